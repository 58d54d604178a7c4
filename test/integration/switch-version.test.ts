// The inactive partition: show version inactive, utils system switch-version (who signs the ITL
// follows the version table), utils system upgrade status.
import assert from 'node:assert/strict';
import { App } from '../../src/app';
import { labDataDir } from '../helpers/cluster';
import { openTestSession } from '../helpers/terminal';
import { parseTrustList } from '../../src/tlv';
import { ITL_FILE } from '../../src/cluster/trustfiles';

describe('versions: inactive partition and switch-version', function () {
  this.timeout(60000);
  let app: App;
  beforeEach(async () => {
    app = new App({ dataDir: await labDataDir(), timeScale: 0 });
  });
  afterEach(() => app.close());

  const signer = () => parseTrustList(app.lab.cluster('old').tftp.file('old-pub', ITL_FILE)!.content).header.signerName;

  it('a 12.5 lab switched to its 11.5 partition has the ITL signed by CallManager, and back', async () => {
    const t = openTestSession(app, { node: 'old-pub' });
    assert.equal(await t.run('show version inactive'), 'show version inactive\r\nInactive Master Version: 11.5.1.21900-40\r\nInactive Version Installed Software Options:\r\n  No Installed Software Options Found.\r\nadmin:');
    assert.equal(await openTestSession(app, { node: 'new-pub' }).run('show version inactive'), 'show version inactive\r\n\r\n   ** There is no inactive side available **\r\nadmin:');
    assert.equal(await openTestSession(app, { node: 'new-pub' }).run('utils system switch-version'), 'utils system switch-version\r\n\r\n   ** There is no inactive side available **\r\nadmin:');
    assert.equal(await t.run('utils system upgrade status'), 'utils system upgrade status\r\nUpgrade status: Ready\r\nUpgrade file: None\r\nUpgrade log: None\r\nadmin:');
    assert.match(signer(), /^CN=ITLRECOVERY_/);
    const from = t.mark();
    t.type('utils system switch-version\r');
    await t.term.waitFor('Enter (yes/no)? ', from);
    assert.ok(t.term.output.slice(from).includes('\r\nActive Master Version: 12.5.1.14900-63\r\nInactive Master Version: 11.5.1.21900-40\r\n\r\nDo you really want to switch between versions ?\r\n'));
    t.type('yes\r');
    await t.term.waitClosed();
    assert.ok(t.term.output.slice(from).includes('Switch version to 11.5.1.21900-40 completed.'));
    // The restarts completed (time scale 0): Cisco Tftp built the ITL under the 11.5 profile.
    assert.doesNotMatch(signer(), /ITLRECOVERY/);
    assert.match(signer(), /^CN=old-pub/);
    const t2 = openTestSession(app, { node: 'old-sub1' });
    assert.ok((await t2.run('show version active')).includes('Active Master Version: 11.5.1.21900-40'));
    assert.ok((await t2.run('show version inactive')).includes('Inactive Master Version: 12.5.1.14900-63'));
    assert.match(await t2.run('utils system upgrade status'), /Upgrade log: install_log_\d{4}-\d\d-\d\d\.\d\d\.\d\d\.\d\d\.log/);
    // The version survives reopening the lab.
    const dir = app.lab.dataDir;
    app.close();
    app = new App({ dataDir: dir, timeScale: 0 });
    const t3 = openTestSession(app, { node: 'old-pub' });
    assert.ok((await t3.run('show version active')).includes('11.5.1.21900-40'));
    t3.type('utils system switch-version\r');
    await t3.term.waitFor('Enter (yes/no)? ');
    t3.type('yes\r');
    await t3.term.waitClosed();
    assert.match(signer(), /^CN=ITLRECOVERY_/);
  });
});
