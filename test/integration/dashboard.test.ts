// sim dashboard over SSH: blessed on the channel, redrawn from the lab's events, laid out again on a
// window change, and gone without a trace when q is pressed.
import assert from 'node:assert/strict';
import { startSimulator, type Simulator } from '../../src/simulator';
import { labDataDir } from '../helpers/cluster';
import { Shell } from '../helpers/ssh2-shell';
import { LiveScreen } from '../helpers/live-screen';

/** The counts row of a cluster in the Phones box: total, registered, rebooting, locked out, unregistered, rejected. */
function counts(s: LiveScreen, cluster: string): number[] | null {
  const re = new RegExp(`│${cluster}\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*│`);
  for (const row of s.rows) {
    const m = re.exec(row);
    if (m) return m.slice(1).map(Number);
  }
  return null;
}
const same = (a: number[] | null, b: number[]) => !!a && a.join() === b.join();

describe('integration: sim dashboard', function () {
  this.timeout(120000);
  let sim: Simulator;
  const shells: Shell[] = [];
  const screens: LiveScreen[] = [];
  const port = (node: string) => sim.listeners.find((l) => l.node === node && l.kind === 'ssh')!.port;

  /** A pty shell whose bytes are also drawn on a headless xterm of the same size. */
  async function open(cols: number, rows: number, term = 'xterm-256color'): Promise<{ sh: Shell; screen: LiveScreen }> {
    const sh = await Shell.open({ port: port('old-pub'), cols, rows, term });
    shells.push(sh);
    const screen = new LiveScreen(cols, rows);
    screens.push(screen);
    screen.feed(sh.text);
    sh.stream.on('data', (d: Buffer | string) => screen.feed(d.toString()));
    return { sh, screen };
  }

  beforeEach(async () => {
    // At 0.1 the fastest model (Jabber, 10 s) stays rebooting for a wall second, several frames.
    sim = await startSimulator({ dataDir: await labDataDir(), host: '127.0.0.1', basePort: 0, tftpPort: 0, httpPort: 0, tvsPort: 0, timeScale: 0.1, authFailDelayMs: 50 });
  });
  afterEach(async () => {
    await Promise.all(shells.splice(0).map((s) => s.close()));
    screens.splice(0).forEach((s) => s.dispose());
    await sim.close();
  });

  for (const [cols, rows] of [[80, 24], [200, 50]]) {
    it(`draws the lab at ${cols}x${rows}: phones by state, nodes, trust files, the phone list, events`, async () => {
      const { sh, screen } = await open(cols, rows);
      sh.send('sim dashboard\r');
      await screen.waitUntil((s) => same(counts(s, 'old'), [24, 24, 0, 0, 0, 0]) && s.text.includes('Phones of old'), 'the dashboard');
      assert.equal(screen.bufferType, 'alternate');
      const text = screen.text;
      for (const box of ['Phones by state', 'Clusters and nodes', 'Phones of old: 1-', 'Events']) assert.ok(text.includes(box), `${box} on screen:\n${text}`);
      assert.ok(same(counts(screen, 'new'), [0, 0, 0, 0, 0, 0]), text);
      assert.match(screen.rows[0], /ucmsim dashboard/);
      assert.match(screen.rows[rows - 1], /q quit/);
      if (cols >= 200) {
        for (const item of ['TFTP trust files', 'Registered', 'Locked out', 'ITLRECOVERY_old-pub', 'old-sub1', 'new-pub', 'Tomcat', 'ITL held', 'Last event', 'CTL none']) {
          assert.ok(text.includes(item), `${item} on screen:\n${text}`);
        }
        assert.match(text, /old-pub\*\s+up\s+up\s+up\s+up/);
      }
      // Every row fits the window.
      assert.ok(screen.rows.every((r) => r.length <= cols));
    });
  }

  it('follows a bulk reset on the time-scaled clock with nobody typing: registered, rebooting, registered', async () => {
    const { sh, screen } = await open(200, 50);
    sh.send('sim dashboard\r');
    await screen.waitUntil((s) => same(counts(s, 'old'), [24, 24, 0, 0, 0, 0]), 'every phone registered');
    const other = await Shell.open({ port: port('old-sub1') });
    shells.push(other);
    await other.run('sim phone reset all');
    await screen.waitUntil((s) => same(counts(s, 'old'), [24, 0, 24, 0, 0, 0]), 'every phone rebooting');
    assert.match(screen.text, /phones were reset: 24 \[admin\]/);
    await screen.waitUntil((s) => same(counts(s, 'old'), [24, 24, 0, 0, 0, 0]), 'every phone registered again', 30000);
    assert.match(screen.text, /booted: \d+ registered/);
  });

  it('lays the screen out again when the window changes', async () => {
    const { sh, screen } = await open(80, 24);
    sh.send('sim dashboard\r');
    await screen.waitUntil((s) => same(counts(s, 'old'), [24, 24, 0, 0, 0, 0]) && s.rows[23].includes('q quit'), 'the dashboard at 80x24');
    assert.ok(!screen.text.includes('Unregistered'), 'short titles on a narrow screen');
    screen.resize(200, 50);
    sh.setWindow(50, 200);
    await screen.waitUntil((s) => s.text.includes('Unregistered') && s.rows[49].includes('q quit') && s.text.includes('ITL held'), 'the dashboard at 200x50');
    assert.ok(same(counts(screen, 'old'), [24, 24, 0, 0, 0, 0]), screen.text);
  });

  for (const [key, name] of [['q', 'q'], ['\x03', 'Ctrl-C']]) {
    it(`${name} restores the prompt, and the next command's bytes are exact`, async () => {
      const reference = await open(80, 24);
      const expected = await reference.sh.run('show myself');
      const { sh, screen } = await open(80, 24);
      sh.send('sim dashboard\r');
      await screen.waitUntil((s) => s.text.includes('Phones by state'), 'the dashboard');
      const at = sh.mark();
      sh.send(key);
      await sh.waitFor('admin:', at);
      await screen.waitUntil((s) => s.bufferType === 'normal' && s.cursorRow === 'admin:', 'the prompt on the normal screen');
      // The dashboard left the alternate screen, showed the cursor and reset the keypad.
      const teardown = sh.text.slice(at);
      assert.ok(teardown.endsWith('\x1b[?1049ladmin:') || teardown.includes('\x1b[?1049l'), JSON.stringify(teardown));
      assert.ok(teardown.includes('\x1b[?25h'), 'cursor shown');
      assert.ok(!screen.text.includes('Phones by state'));
      assert.equal(await sh.run('show myself'), expected);
      // Typing works as before: the editor has the keys again.
      assert.match(await sh.run('show myself'), /^show myself\r\n/);
    });
  }

  it('refuses on a dumb terminal and points to sim report phones summary', async () => {
    const { sh } = await open(80, 24, 'dumb');
    const out = await sh.run('sim dashboard');
    assert.equal(out, [
      'sim dashboard',
      'The dashboard needs a terminal with cursor addressing: this one is TERM=dumb.',
      'For the phone counts as text, run: sim report phones summary',
      'Executed command unsuccessfully',
      'admin:',
    ].join('\r\n'));
    const report = await sh.run('sim report phones summary');
    assert.match(report, /\r\nold\s+24\s+24\s+0\s+0\s+0\s+0\r\n/);
  });
});
