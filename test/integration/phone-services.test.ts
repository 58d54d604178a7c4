// HTTPS services from the phones (rule T3): the Services button and directory searches work while a
// TVS the phone trusts vouches for tomcat, and stop while the rollback ITL is installed.
import assert from 'node:assert/strict';
import { App } from '../../src/app';
import { freshDataDir } from '../helpers/cluster';
import { openTestSession, type TestSession } from '../helpers/terminal';

describe('integration: phone HTTPS services', function () {
  this.timeout(60000);
  let app: App;
  let t: TestSession;
  const ROLLBACK = 'sim enterprise-parameter set Prepare Cluster for Rollback to pre-8.0';

  beforeEach(async () => {
    app = new App({ dataDir: await freshDataDir(), timeScale: 0 });
    t = openTestSession(app);
  });
  afterEach(() => app.close());

  const phoneOf = (model: string) => app.fleet.phones().find((p) => p.model === model)!.name;

  it('the Services button loads the Secured Services URL; rollback stops it; undoing it brings it back', async () => {
    const phone = phoneOf('CP-8841');
    assert.equal(
      await t.run(`sim phone services ${phone}`),
      `sim phone services ${phone}\r\nURL: https://cucm-pub.example.com:8443/ccmcip/getservicesmenu.jsp\r\nServices menu loaded\r\nadmin:`,
    );
    assert.match(await t.run(`${ROLLBACK} True`), /devices are being reset/);
    assert.match(await t.run(`sim phone services ${phone}`), /\r\nHost not found\r\nExecuted command unsuccessfully\r\n/);
    assert.match(await t.run(`sim phone search-directory ${phone} user`), /Host not found/);
    await t.run(`${ROLLBACK} False`);
    assert.match(await t.run(`sim phone services ${phone}`), /Services menu loaded/);
  });

  it('a regenerated tomcat certificate stays trusted: TVS vouches for it once Cisco Tomcat restarts', async () => {
    const phone = phoneOf('CP-7841');
    const m = t.mark();
    t.type('set cert regen tomcat\r');
    await t.term.waitFor('(yes|no)? ', m);
    t.type('yes\r');
    await t.term.waitFor('become active.\r\nadmin:', m);
    await t.run('utils service restart Cisco Tomcat');
    assert.match(await t.run(`sim phone services ${phone}`), /Services menu loaded/);
  });

  it('the Secured Services URL enterprise parameter reaches phones after a reset', async () => {
    const phone = phoneOf('CP-8841');
    await t.run('sim enterprise-parameter set Secured Services URL https://cucm-sub1.example.com:8443/ccmcip/getservicesmenu.jsp');
    assert.match(await t.run(`sim phone services ${phone}`), /URL: https:\/\/cucm-pub\.example\.com/, 'not before a reset');
    await t.run(`sim phone reset ${phone}`);
    assert.match(await t.run(`sim phone services ${phone}`), /URL: https:\/\/cucm-sub1\.example\.com:8443\/ccmcip\/getservicesmenu\.jsp\r\nServices menu loaded/);
  });

  it('the ITL File Status report shows Match, then MisMatch after the ITL changes, then Match after a reset', async () => {
    const count = (out: string, what: string) => Number(new RegExp(`${what}: (\\d+)`).exec(out)![1]);
    let out = await t.run('sim report itl-file-status');
    const sbd = app.fleet.phones().filter((p) => !['CP-7960', 'Jabber'].includes(p.model)).length;
    assert.equal(count(out, 'Match'), sbd);
    assert.equal(count(out, 'Unknown'), app.fleet.phones().length - sbd, 'phones without Security By Default do not report');
    await t.run('utils itl reset localkey');
    out = await t.run('sim report itl-file-status');
    assert.equal(count(out, 'MisMatch'), sbd);
    await t.run('sim phone reset all');
    out = await t.run('sim report itl-file-status');
    assert.equal(count(out, 'Match'), sbd);
  });
});
