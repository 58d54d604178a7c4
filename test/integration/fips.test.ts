// utils fips status|enable|disable: the guide's dialog, the mode kept per node in the store, new
// certificates in use after the restart, and the certificate rules of FIPS mode.
import assert from 'node:assert/strict';
import { App } from '../../src/app';
import { labDataDir } from '../helpers/cluster';
import { openTestSession, dialog } from '../helpers/terminal';

const FAILURE = 'Executed command unsuccessfully';

describe('utils fips', function () {
  this.timeout(60000);
  let app: App;
  beforeEach(async () => {
    app = new App({ dataDir: await labDataDir(), timeScale: 0 });
  });
  afterEach(() => app.close());

  /** Types the command, answers yes, and waits for the session to end with the node's restart. */
  async function answerAndClose(t: ReturnType<typeof openTestSession>, cmd: string): Promise<void> {
    const from = t.mark();
    t.type(`${cmd}\r`);
    await t.term.waitFor('Do you want to continue (yes/no)? ', from);
    t.type('yes\r');
    await t.term.waitFor('The system will reboot in a few minutes.', from, 30000);
    await t.term.waitClosed();
  }

  const serial = (node: string, unit: string) => app.lab.cluster('old').certificates.find(node, unit)!.cert_pem;

  it('enable: warning, yes/no, new certificates, a restart; the mode survives reopening the lab; disable goes back', async () => {
    const t = openTestSession(app, { node: 'old-pub' });
    assert.equal(await t.run('utils fips status'), 'utils fips status\r\nThe system is operating in NON-FIPS mode.\r\nadmin:');
    const before = serial('old-pub', 'CallManager');
    const no = await dialog(t, 'utils fips enable', [['Do you want to continue (yes/no)? ', 'no']]);
    assert.ok(no.includes('\r\nSecurity Warning: The operation will regenerate certificates for\r\n\r\n1)CallManager\r\n2)Tomcat\r\n3)IPsec\r\n4)TVS\r\n5)CAPF\r\n6)SSH \r\n7)ITLRecovery\r\n'), no);
    assert.ok(no.includes(`\r\n${'*'.repeat(78)}\r\nThis will change the system to FIPS mode and will reboot.\r\n${'*'.repeat(78)}\r\nWARNING: Once you continue do not press Ctrl+C.`), no);
    assert.equal(serial('old-pub', 'CallManager'), before, 'no changes nothing');

    await answerAndClose(t, 'utils fips enable');
    const out = t.term.output;
    assert.ok(t.term.output.includes([
      'Generating certificates...Setting FIPS mode in operating system.',
      'FIPS mode enabled successfully.',
      '*'.repeat(56),
      'It is highly recommended that after your system restarts',
      'that a system backup is performed.',
      '*'.repeat(56),
      'The system will reboot in a few minutes.',
    ].join('\r\n')), out);
    // At time scale 0 the restart completes at once; the new certificates are in use.
    assert.notEqual(serial('old-pub', 'CallManager'), before);
    assert.ok(app.lab.recentEvents(1000, 'old').some((e) => e.kind === 'fips-changed'));
    assert.ok(app.lab.recentEvents(1000, 'old').some((e) => e.kind === 'node-restarted'));
    const dir = app.lab.dataDir;
    app.close();
    app = new App({ dataDir: dir, timeScale: 0 });
    const t2 = openTestSession(app, { node: 'old-pub' });
    assert.equal(await t2.run('utils fips status'), 'utils fips status\r\nThe system is operating in FIPS mode.\r\nadmin:');
    assert.equal(await openTestSession(app, { node: 'old-sub1' }).run('utils fips status'), 'utils fips status\r\nThe system is operating in NON-FIPS mode.\r\nadmin:', 'per node');
    // FIPS rules: SHA256 only, no RSA key under 2048 bits.
    assert.ok((await t2.run('sim cert regen tomcat hash SHA384')).includes('In FIPS mode the hash algorithm is always SHA256.'));
    assert.ok((await t2.run('sim cert regen tomcat key-length 1024')).includes('In FIPS mode an RSA key must be at least 2048 bits long.'));
    assert.deepEqual((await t2.run('utils fips enable')).split('\r\n').slice(1, -1), ['The system is already in FIPS mode.', FAILURE]);
    await answerAndClose(t2, 'utils fips disable');
    assert.equal(await openTestSession(app, { node: 'old-pub' }).run('utils fips status'), 'utils fips status\r\nThe system is operating in NON-FIPS mode.\r\nadmin:');
  });
});
