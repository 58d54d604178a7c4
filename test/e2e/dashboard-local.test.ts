// `ucmsim dashboard` on a local terminal (node-pty): a lab nobody serves is opened, a served one is
// followed read-only, several data directories make a grid of seats, and a dumb terminal is refused.
import assert from 'node:assert/strict';
import * as pty from 'node-pty';
import { labDataDir } from '../helpers/cluster';
import { LiveScreen, phoneCounts } from '../helpers/live-screen';
import { BIN, ServeProcess } from '../helpers/serve-process';
import { Shell } from '../helpers/ssh2-shell';
import { within } from '../helpers/wait';

class LocalDashboard {
  readonly screen: LiveScreen;
  readonly proc: pty.IPty;
  output = '';
  readonly exited: Promise<number>;

  /** `args` follow `ucmsim dashboard`, or replace it when `command` is given */
  constructor(args: string[], opts: { cols?: number; rows?: number; term?: string; command?: string } = {}) {
    const cols = opts.cols ?? 120;
    const rows = opts.rows ?? 40;
    this.screen = new LiveScreen(cols, rows);
    this.proc = pty.spawn(process.execPath, [BIN, opts.command ?? 'dashboard', ...args], { name: opts.term ?? 'xterm-256color', cols, rows, env: { ...process.env, TERM: opts.term ?? 'xterm-256color' } });
    this.proc.onData((d) => {
      this.output += d;
      this.screen.feed(d);
    });
    this.exited = new Promise((resolve) => this.proc.onExit((e) => resolve(e.exitCode)));
  }

  async quit(): Promise<number> {
    this.proc.write('q');
    return within(this.exited, 10000, 'the dashboard to exit');
  }
  dispose(): void {
    try {
      this.proc.kill();
    } catch {
      /* already gone */
    }
    this.screen.dispose();
  }
}

describe('e2e: ucmsim dashboard on the local terminal', function () {
  this.timeout(120000);
  const running: LocalDashboard[] = [];
  const serves: ServeProcess[] = [];
  const shells: Shell[] = [];
  afterEach(async () => {
    await Promise.all(shells.splice(0).map((s) => s.close()));
    running.splice(0).forEach((d) => d.dispose());
    await Promise.all(serves.splice(0).map((s) => s.stop()));
  });
  const start = (args: string[], opts?: { cols?: number; rows?: number; term?: string; command?: string }) => {
    const d = new LocalDashboard(args, opts);
    running.push(d);
    return d;
  };

  it('opens a lab nobody serves, shows it, and q restores the terminal', async () => {
    const dir = await labDataDir();
    const d = start(['--data', dir, '--time-scale', '0']);
    await d.screen.waitUntil((s) => phoneCounts(s, 'old') === '24 24 0 0 0 0' && s.text.includes('Phones of old'), 'the dashboard');
    assert.ok(!d.screen.text.includes('read-only'));
    assert.equal(d.screen.bufferType, 'alternate');
    assert.equal(await d.quit(), 0);
    await d.screen.waitUntil((s) => s.bufferType === 'normal', 'the normal screen');
    assert.ok(d.output.includes('\x1b[?25h'), 'cursor shown again');
  });

  it('follows a lab a serve holds, read-only: a bulk reset shows up with nobody typing', async () => {
    const dir = await labDataDir();
    // At 0.1 the fastest model (Jabber, 10 s) stays rebooting for a wall second, several of the view's looks.
    const serve = ServeProcess.serve(dir, ['--time-scale', '0.1']);
    serves.push(serve);
    const ports = await serve.ports(['old-pub']);
    const d = start(['--data', dir]);
    await d.screen.waitUntil((s) => phoneCounts(s, 'old') === '24 24 0 0 0 0' && s.text.includes('(served, read-only)'), 'the served lab');
    const sh = await Shell.open({ port: ports.get('old-pub')! });
    shells.push(sh);
    await sh.run('sim phone reset all');
    await d.screen.waitUntil((s) => phoneCounts(s, 'old') === '24 0 24 0 0 0', 'every phone rebooting');
    await d.screen.waitUntil((s) => phoneCounts(s, 'old') === '24 24 0 0 0 0', 'every phone registered again', 30000);
    assert.match(d.screen.text, /phones were reset: 24 \[admin\]/);
    assert.equal(await d.quit(), 0);
  });

  it('shows a grid of seats for several data directories', async () => {
    const dirs = [await labDataDir(), await labDataDir()];
    const d = start(['--data', dirs[0], '--data', dirs[1], '--time-scale', '0'], { cols: 100, rows: 30 });
    const names = dirs.map((x) => x.split('/').pop()!);
    await d.screen.waitUntil((s) => names.every((n) => s.text.includes(n)) && (s.text.match(/old\s+24\/24 reg, 0 boot, 0 locked/g) ?? []).length === 2, 'two seats');
    assert.match(d.screen.text, /2 seats/);
    assert.match(d.screen.text, /ITL ITLRECOVERY_old-pub/);
    assert.equal(await d.quit(), 0);
  });

  it('runs as sim dashboard in ucmsim shell, and q comes back to admin:', async () => {
    const d = start(['--data', await labDataDir(), '--time-scale', '0'], { command: 'shell', cols: 100, rows: 30 });
    await d.screen.waitUntil((s) => s.cursorRow === 'admin:', 'the prompt');
    d.proc.write('sim dashboard\r');
    await d.screen.waitUntil((s) => phoneCounts(s, 'old') === '24 24 0 0 0 0' && s.bufferType === 'alternate', 'the dashboard');
    d.proc.resize(120, 40);
    d.screen.resize(120, 40);
    await d.screen.waitUntil((s) => s.rows[39].includes('q quit'), 'the dashboard at 120x40');
    d.proc.write('q');
    await d.screen.waitUntil((s) => s.bufferType === 'normal' && s.cursorRow === 'admin:', 'the prompt again');
    d.proc.write('exit\r');
    assert.equal(await within(d.exited, 10000, 'the shell to exit'), 0);
  });

  it('refuses a dumb terminal and points to sim report phones summary', async () => {
    const d = start(['--data', await labDataDir()], { term: 'dumb' });
    assert.equal(await within(d.exited, 10000, 'the refusal'), 2);
    assert.match(d.output, /needs a terminal with cursor addressing \(TERM=dumb\).*sim report phones summary/);
    assert.ok(!d.output.includes('\x1b['), JSON.stringify(d.output));
  });
});
