import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3';
import { STORE_FILE } from '../../src/store/store';
import { BANNER } from '../helpers/banner';
import { execFileSync } from 'node:child_process';
import { App } from '../../src/app';
import { freshDataDir } from '../helpers/cluster';
import { openTestSession, dialog, type TestSession } from '../helpers/terminal';
import { PAGER_PROMPT } from '../../src/cli/output';


describe('CLI session on an in-memory terminal', function () {
  this.timeout(30000);
  let app: App;
  let t: TestSession;

  beforeEach(async () => {
    app = new App({ dataDir: await freshDataDir(), timeScale: 0 });
    t = openTestSession(app);
  });
  afterEach(() => app.close());

  const service = (name: string) => app.cluster.services.find('cucm-pub', name)!.state;

  it('greets with the exact banner and the admin: prompt', () => {
    assert.equal(t.term.output, BANNER);
  });

  it('show myself and show version active print the VOS layout', async () => {
    assert.equal(
      await t.run('show myself'),
      'show myself\r\nMachine Name    : cucm-pub\r\naccount name    : admin\r\nprivilege level : 4\r\ncommand count   : disabled\r\nlogging setting : disabled\r\nadmin:',
    );
    assert.equal(
      await t.run('show version active'),
      'show version active\r\nActive Master Version: 14.0.1.13900-155\r\nActive Version Installed Software Options:\r\n  No Installed Software Options Found.\r\nadmin:',
    );
  });

  it('show status starts with a blank line and the host block', async () => {
    const out = await t.run('show status');
    assert.match(out, /^show status\r\n\r\nHost Name          : cucm-pub\r\nDate               : \w{3} \w{3} \d+, \d{4} \d\d:\d\d:\d\d\r\n/);
    assert.match(out, /Product Ver        : 14\.0\.1\.13900-155\r\nUnified OS Version : 7\.0\.0\.0-4\r\n/);
  });

  it('answers unknown, incomplete and dash input with the VOS errors', async () => {
    assert.equal(await t.run('foo'), 'foo\r\nNo valid command entered\r\nExecuted command unsuccessfully\r\nadmin:');
    assert.equal(await t.run('utils foo'), 'utils foo\r\nNo valid command entered\r\nExecuted command unsuccessfully\r\nadmin:');
    assert.equal(await t.run('utils service'), 'utils service\r\nIncomplete command entered\r\nExecuted command unsuccessfully\r\nadmin:');
    assert.match(await t.run('uname -a'), /^uname -a\r\nInvalid command, a dash character must be preceded/);
    assert.equal(await t.run(''), '\r\nadmin:');
  });

  it('accepts unambiguous abbreviations', async () => {
    assert.match(await t.run('sh my'), /Machine Name    : cucm-pub/);
  });

  it('switches pagination per session and shows it', async () => {
    assert.equal(await t.run('show cli pagination'), 'show cli pagination\r\nAutomatic Pagination : On.\r\nadmin:');
    assert.equal(await t.run('set cli pagination off'), 'set cli pagination off\r\nAutomatic pagination is turned off\r\nadmin:');
    assert.equal(await t.run('show cli pagination'), 'show cli pagination\r\nAutomatic Pagination : Off.\r\nadmin:');
    const other = openTestSession(app);
    assert.match(await other.run('show cli pagination'), /On\./, 'another session keeps its own setting');
  });

  it('Tab completes an abbreviation, lists a menu, repeats a complete command', async () => {
    let m = t.mark();
    t.type('se\t');
    assert.equal(t.term.output.slice(m), 'set ');
    t.type('\x15');
    m = t.mark();
    t.type('show\t');
    await t.term.waitFor('admin:show ', m);
    const listing = t.term.output.slice(m);
    assert.ok(listing.startsWith('show \r\n'), JSON.stringify(listing));
    assert.match(listing, /cert\*/);
    assert.match(listing, /myself/);
    assert.ok(listing.endsWith('\r\nadmin:show '));
    t.type('\x15');
    m = t.mark();
    t.type('show myself\t\t');
    assert.equal(t.term.output.slice(m), 'show myself \r\nadmin:show myself ', 'a complete command repeats the line');
    t.type('\x15');
    m = t.mark();
    t.type('utils service restart Cisco Tf\t');
    assert.equal(t.term.output.slice(m), 'utils service restart Cisco Tftp');
  });

  it('? lists the words that may follow, or the syntax of a complete command', async () => {
    let m = t.mark();
    t.type('set ?');
    assert.match(t.term.output.slice(m), /^set \?\r\ncert\*  cli\*   csr\*\r\nadmin:set $/);
    t.type('\x15');
    m = t.mark();
    t.type('show cert own?');
    assert.equal(
      t.term.output.slice(m),
      'show cert own?Syntax:\r\nshow cert own unit\r\nunit   mandatory   the certificate unit, e.g. CallManager or CallManager/CallManager.pem\r\nadmin:show cert own',
    );
  });

  it('help <command> describes it', async () => {
    const out = await t.run('help set cli pagination');
    assert.match(out, /^help set cli pagination\r\npagination help:\r\nThis command turns automatic pagination on or off/);
    assert.match(out, /Example:\r\nset cli pagination off\r\nAutomatic pagination is turned off\r\n/);
  });

  it('pages long output with the bold prompt, Enter for a line, Space for a page, q to quit', async () => {
    const small = openTestSession(app, { rows: 10 });
    let m = small.mark();
    small.type('utils service list\r');
    await small.term.waitFor(PAGER_PROMPT, m);
    const page = small.term.output.slice(m).split(PAGER_PROMPT)[0];
    assert.equal(page.split('\r\n').length - 1, 10, 'the echo plus 9 lines (rows - 1)');
    m = small.mark();
    small.type('\r');
    await small.term.waitFor(PAGER_PROMPT, m);
    assert.match(small.term.output.slice(m), /^\r\x1b\[K[^\r\n]+\r\n\x1b\[1mPress/);
    m = small.mark();
    small.type('q');
    await small.term.waitFor('admin:', m);
    assert.equal(small.term.output.slice(m), '\r\x1b[Kadmin:');
  });

  it('utils service list shows platform services first, then the ServM banner', async () => {
    const out = await t.run('utils service list');
    assert.ok(out.startsWith('utils service list\r\nRequesting service status, please wait...\r\nSystem SSH [STARTED]\r\nName Service Cache [STOPPED]  Service Not Activated\r\n'));
    assert.ok(out.includes('Service Manager [STARTED]\r\nService Manager is running\r\nGetting list of all services\r\n>> Return code = 0\r\n'));
    assert.ok(out.includes('Cisco Tftp[STARTED]\r\n'));
    assert.ok(out.includes('Cisco Dialed Number Analyzer[STOPPED]  Service Not Activated\r\n'));
  });

  it('restarts a service with the ServM polling lines', async () => {
    assert.equal(
      await t.run('utils service restart Cisco Tftp'),
      "utils service restart Cisco Tftp\r\n Don't press Ctrl-c while the service is getting RESTARTED.If Service has not Restarted Properly, execute the same Command Again\r\n" +
        'Service Manager is running\r\n' + 'Cisco Tftp[STOPPING]  \r\n'.repeat(2) + 'Cisco Tftp[STARTING]  \r\n'.repeat(2) + 'Cisco Tftp[STARTED]  \r\n'.repeat(2) + 'admin:',
    );
  });

  it('stop, start, already-started and not-activated behave as ServM does', async () => {
    assert.equal(
      await t.run('utils service stop Cisco Tftp'),
      'utils service stop Cisco Tftp\r\nService Manager is running\r\n' + 'Cisco Tftp[STOPPING]  \r\n'.repeat(2) + 'Cisco Tftp[STOPPED]  \r\n'.repeat(2) + 'admin:',
    );
    assert.deepEqual(service('Cisco Tftp'), { activated: true, state: 'STOPPED', reason: 'Commanded Out of Service' });
    assert.match(await t.run('utils service list'), /Cisco Tftp\[STOPPED\]  Commanded Out of Service\r\n/);
    await t.run('utils service start Cisco Tftp');
    assert.equal(service('Cisco Tftp').state, 'STARTED');
    assert.equal(
      await t.run('utils service start Cisco Tftp'),
      'utils service start Cisco Tftp\r\nService Manager is running\r\nCisco Tftp[STARTED]  Component already started\r\nadmin:',
    );
    assert.equal(
      await t.run('utils service start Cisco Dialed Number Analyzer'),
      'utils service start Cisco Dialed Number Analyzer\r\nService Manager is running\r\nCisco Dialed Number Analyzer[STOPPED]  Service Not Activated\r\nExecuted command unsuccessfully\r\nadmin:',
    );
    assert.match(await t.run('utils service start Cisco Nonsense'), /Invalid service name: Cisco Nonsense\r\n.*\r\nExecuted command unsuccessfully\r\n/);
  });

  it('activates and deactivates feature services, and accepts the guide\'s active/deactive', async () => {
    await t.run('utils service deactivate Cisco Tftp');
    assert.deepEqual(service('Cisco Tftp'), { activated: false, state: 'STOPPED', reason: 'Service Not Activated' });
    await t.run('utils service active Cisco Tftp');
    assert.deepEqual(service('Cisco Tftp'), { activated: true, state: 'STARTED', reason: '' });
    assert.match(await t.run('utils service activate Cisco Tomcat'), /Cisco Tomcat\[STARTED\]  Component is not a feature service and cannot be activated\r\nExecuted command unsuccessfully/);
  });

  it('Entropy Monitoring Daemon: deactivate unloads the kernel module, activate loads it', async () => {
    const off = await t.run('utils service deactive Entropy Monitoring Daemon');
    assert.match(off, /Entropy Monitoring Daemon\[STOPPED\]  \r\nEntropy kernel module unloaded\r\nadmin:$/);
    assert.match(await t.run('utils service list'), /Entropy Monitoring Daemon \[STOPPED\]  Service Not Activated\r\n/);
    const on = await t.run('utils service activate Entropy Monitoring Daemon');
    assert.match(on, /Entropy kernel module loaded\r\nadmin:$/);
    assert.equal(service('Entropy Monitoring Daemon').state, 'STARTED');
  });

  it('records each applied change in the append-only event log', async () => {
    await t.run('utils service stop Cisco Tftp');
    const ev = app.lab.recentEvents().filter((e) => e.kind === 'service-stop');
    assert.equal(ev.length, 1);
    assert.equal(ev[0].node, 'cucm-pub');
    assert.equal(ev[0].user, 'admin');
    assert.equal(ev[0].command, 'utils service stop Cisco Tftp');
    const db = new Database(path.join(app.lab.dataDir, STORE_FILE));
    try {
      assert.throws(() => db.prepare('DELETE FROM events').run(), /append-only/);
    } finally {
      db.close();
    }
  });

  it('Ctrl-C during a dialog prints Control-C pressed and changes nothing', async () => {
    const m = t.mark();
    t.type('utils system restart\r');
    await t.term.waitFor('Enter (yes/no)? ', m);
    t.type('\x03');
    await t.term.waitFor('admin:', m + 10);
    assert.equal(t.term.output.slice(m), 'utils system restart\r\nDo you really want to restart ?\r\nEnter (yes/no)? \r\nControl-C pressed\r\nadmin:');
    assert.equal(app.lab.recentEvents().filter((e) => e.kind === 'node-restart').length, 0);
    assert.match(await t.run('show myself'), /Machine Name/);
  });

  it('utils system restart: no keeps the node up; yes restarts services and drops the sessions', async () => {
    await t.run('utils service stop Cisco Tftp');
    let m = t.mark();
    t.type('utils system restart\r');
    await t.term.waitFor('Enter (yes/no)? ', m);
    t.type('no\r');
    await t.term.waitFor('admin:', m + 10);
    const other = openTestSession(app);
    m = t.mark();
    t.type('utils system restart\r');
    await t.term.waitFor('Enter (yes/no)? ', m);
    t.type('yes\r');
    await t.term.waitClosed();
    assert.match(t.term.output.slice(m), /Broadcast message from root \(\w{3} \w{3} \d\d \d\d:\d\d:\d\d \d{4}\):\r\n\r\nThe system is going down for reboot NOW!\r\nWaiting \.\r\n\r\nOperation succeeded\r\n\r\nrestart now\.\r\n$/);
    assert.equal(t.term.closedWith, 0);
    assert.equal(other.term.closedWith, 0, 'every session on the node is dropped');
    assert.equal(service('Cisco Tftp').state, 'STARTED', 'a manual stop does not survive a reboot');
  });

  it('show cert own prints fields and a PEM that openssl parses', async () => {
    const out = await t.run('show cert own CallManager');
    const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(out)![0].replace(/\r\n/g, '\n') + '\n';
    assert.equal(pem.trim(), app.cluster.certificates.find('cucm-pub', 'CallManager')!.cert_pem.trim());
    const text = execFileSync('openssl', ['x509', '-noout', '-subject', '-issuer'], { input: pem }).toString();
    assert.match(text, /^subject=.*CN ?= ?cucm-pub\.example\.com$/m);
    assert.match(await t.run('show cert own CallManager/CallManager.pem'), /BEGIN CERTIFICATE/);
    assert.match(await t.run('show cert own Nope'), /Executed command unsuccessfully/);
  });

  it('show cert list own lists the units in CUCM order', async () => {
    const out = await t.run('show cert list own');
    const units = [...out.matchAll(/^(\S+)\/\1\.pem: Self-signed certificate generated by system$/gm)].map((m) => m[1]);
    assert.deepEqual(units, ['tomcat', 'tomcat-ECDSA', 'ipsec', 'ITLRecovery', 'CallManager-ECDSA', 'CallManager', 'CAPF', 'TVS']);
    const sub = openTestSession(app, { node: 'cucm-sub1' });
    const subUnits = [...(await sub.run('show cert list own')).matchAll(/^(\S+)\/\1\.pem/gm)].map((m) => m[1]);
    assert.deepEqual(subUnits, ['tomcat', 'tomcat-ECDSA', 'ipsec', 'CallManager-ECDSA', 'CallManager', 'TVS'], 'ITLRecovery and CAPF (14+) live on the publisher');
  });

  it('a level-0 account cannot change services', async () => {
    const reader = openTestSession(app, { user: 'reader', privilege: 0 });
    assert.equal(
      await reader.run('utils service stop Cisco Tftp'),
      'utils service stop Cisco Tftp\r\nIncomplete command entered\r\nExecuted command unsuccessfully\r\nadmin:',
    );
    assert.equal(service('Cisco Tftp').state, 'STARTED');
    assert.match(await reader.run('utils service list'), /Cisco Tftp\[STARTED\]/);
  });

  it('set cli session timeout asks, applies to new sessions, and show cli session timeout reports it', async () => {
    assert.equal(await t.run('show cli session timeout'), 'show cli session timeout\r\nCLI session timeout is set to 30 minutes.\r\nadmin:');
    const out = await dialog(t, 'set cli session timeout 60', [['Continue (y/n)?', 'y']]);
    assert.equal(
      out,
      'set cli session timeout 60\r\nThe new timeout takes effect for new CLI sessions; sessions already open keep their timeout.\r\nContinue (y/n)?y\r\nCLI session timeout is set to 60 minutes.\r\nadmin:',
    );
    assert.match(await t.run('show cli session timeout'), /set to 60 minutes\./);
    assert.match(await t.run('set cli session timeout 4'), /Value range: 5-99999 minutes\r\nExecuted command unsuccessfully/);
  });

  it('an idle session is logged off after its CLI session timeout', async () => {
    const quick = new App({ dataDir: app.lab.dataDir, timeScale: 0, idleMsPerMinute: 4 }); // 30 minutes = 120 ms
    try {
      const idle = openTestSession(quick);
      await idle.term.waitClosed(5000);
      assert.match(idle.term.output, /admin:\r\nCLI session timed out after 30 minutes of inactivity\.\r\n$/);
      assert.equal(idle.term.closedWith, 0);
    } finally {
      quick.close();
    }
  });

  it('quit and Ctrl-D end the session with status 0', async () => {
    t.type('quit\r');
    await t.term.waitClosed();
    assert.equal(t.term.closedWith, 0);
    const d = openTestSession(app);
    d.type('\x04');
    await d.term.waitClosed();
    assert.equal(d.term.closedWith, 0);
  });

  it('typed-ahead commands run in order after the current one', async () => {
    const m = t.mark();
    t.type('show myself\rshow cli pagination\r');
    await t.term.waitFor('Automatic Pagination : On.\r\nadmin:', m);
    const out = t.term.output.slice(m);
    assert.ok(out.indexOf('Machine Name') < out.indexOf('Automatic Pagination'));
  });
});
