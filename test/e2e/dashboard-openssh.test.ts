// The acceptance: over the stock OpenSSH client, during a bulk reset, `sim dashboard` shows the
// counts and the feed move, follows a window resize, and `q` leaves a clean `admin:` prompt.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startSimulator, type Simulator } from '../../src/simulator';
import { labDataDir } from '../helpers/cluster';
import { PtySsh } from '../helpers/openssh';
import { Shell } from '../helpers/ssh2-shell';
import { LiveScreen, phoneCounts } from '../helpers/live-screen';

describe('e2e: sim dashboard through the real OpenSSH client', function () {
  this.timeout(90000);
  let sim: Simulator;
  const clients: PtySsh[] = [];
  const shells: Shell[] = [];
  before(function () {
    if (!fs.existsSync('/usr/bin/ssh')) this.skip();
  });
  beforeEach(async () => {
    // At 0.1 the fastest model (Jabber, 10 s) stays rebooting for a wall second, several frames.
    sim = await startSimulator({ dataDir: await labDataDir(), host: '127.0.0.1', basePort: 0, tftpPort: 0, httpPort: 0, tvsPort: 0, timeScale: 0.1, authFailDelayMs: 50 });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.kill();
    await Promise.all(shells.splice(0).map((s) => s.close()));
    await sim.close();
  });

  it('watches a bulk reset, follows a resize, and q leaves a clean admin: prompt', async () => {
    const port = sim.ssh.get('old-pub')!.port;
    const ssh = await PtySsh.login({ port, term: 'xterm-256color', cols: 100, rows: 30 });
    clients.push(ssh);
    const screen = new LiveScreen(100, 30);
    screen.feed(ssh.text);
    ssh.proc.onData((d) => screen.feed(d));
    const expected = await ssh.run('show myself');

    ssh.send('sim dashboard\r');
    await screen.waitUntil((s) => phoneCounts(s, 'old') === '24 24 0 0 0 0' && s.bufferType === 'alternate', 'the dashboard');
    const other = await Shell.open({ port: sim.ssh.get('old-sub1')!.port });
    shells.push(other);
    await other.run('sim phone reset all');
    await screen.waitUntil((s) => phoneCounts(s, 'old') === '24 0 24 0 0 0' && /phones were reset/.test(s.text), 'the phones rebooting, and the reset in the feed');
    ssh.proc.resize(160, 45);
    screen.resize(160, 45);
    await screen.waitUntil((s) => s.rows[44].includes('q quit') && s.text.includes('Unregistered'), 'the dashboard laid out at 160x45');
    await screen.waitUntil((s) => phoneCounts(s, 'old') === '24 24 0 0 0 0' && /booted: \d+ registered/.test(s.text), 'every phone registered again', 30000);

    const at = ssh.mark();
    ssh.send('q');
    await ssh.waitFor('admin:', at);
    await screen.waitUntil((s) => s.bufferType === 'normal' && s.cursorRow === 'admin:', 'a clean prompt');
    assert.ok(!screen.text.includes('Phones by state'));
    assert.equal(await ssh.run('show myself'), expected);
  });
});
