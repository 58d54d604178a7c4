// The SSH door, through an in-process ssh2 client: authentication, banner bytes, exec refused,
// exit status, pty size and the pager, concurrent sessions, privilege, one port per node.
import { BANNER } from '../helpers/banner';
import assert from 'node:assert/strict';
import { startSimulator, type Simulator } from '../../src/simulator';
import { freshDataDir, TEST_USERS } from '../helpers/cluster';
import { Shell, connectClient, ADMIN } from '../helpers/ssh2-shell';
import { within, waitUntil } from '../helpers/wait';
import { logoutsPending } from '../helpers/sim-settle';

const PAGER_PROMPT = '\x1b[1mPress <enter> for 1 line, <space> for one page, or <q> to quit\x1b[0m';

async function start(): Promise<Simulator> {
  return startSimulator({ dataDir: await freshDataDir(), host: '127.0.0.1', basePort: 0, timeScale: 0, authFailDelayMs: 50 });
}

function pubPort(sim: Simulator): number {
  return sim.ssh.get('cucm-pub')!.port;
}

/** Splits CRLF-terminated output into lines (the last, unterminated piece is dropped). */
function crlfLines(s: string): string[] {
  const parts = s.split('\r\n');
  parts.pop();
  return parts;
}

describe('integration: SSH server (ssh2 client in-process)', function () {
  this.timeout(60000);
  let sim: Simulator;
  const open: Shell[] = [];

  async function shell(opts: Partial<Parameters<typeof Shell.open>[0]> = {}): Promise<Shell> {
    const sh = await Shell.open({ port: pubPort(sim), ...opts });
    open.push(sh);
    return sh;
  }

  beforeEach(async function () {
    sim = await start();
  });

  afterEach(async function () {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await sim.close();
  });

  describe('authentication', function () {
    it('accepts the password method and opens a shell at the admin: prompt', async function () {
      const sh = await shell();
      assert.match(sh.text, /admin:$/);
      const out = await sh.run('show myself');
      assert.ok(out.includes('account name    : admin\r\n'), out);
    });

    it('accepts keyboard-interactive alone, asking for the password with echo off', async function () {
      const asked: { prompt: string; echo?: boolean }[][] = [];
      const client = await connectClient({ port: pubPort(sim), keyboardInteractive: true }, (p) => asked.push(p));
      const sh = await Shell.onClient(client);
      open.push(sh);
      assert.equal(asked.length, 1);
      assert.equal(asked[0].length, 1);
      assert.match(asked[0][0].prompt, /password/i);
      assert.equal(asked[0][0].echo, false);
      const out = await sh.run('show myself');
      assert.ok(out.includes('account name    : admin\r\n'), out);
    });

    it('refuses a wrong password and records the failed login in the event log', async function () {
      const before = sim.app.lab.recentEvents().filter((e) => e.kind === 'login-failed').length;
      await assert.rejects(
        within(connectClient({ port: pubPort(sim), password: 'not-the-password' }), 10000, 'refused login'),
        (e: Error & { level?: string }) => e.level === 'client-authentication',
      );
      const failed = sim.app.lab.recentEvents().filter((e) => e.kind === 'login-failed');
      assert.equal(failed.length, before + 1);
      const last = failed[failed.length - 1];
      assert.equal(last.user, 'admin');
      assert.equal(last.node, 'cucm-pub');
      assert.equal(sim.app.sessionCount, 0);
    });

    it('refuses a wrong keyboard-interactive answer too', async function () {
      await assert.rejects(
        within(connectClient({ port: pubPort(sim), keyboardInteractive: true, password: 'wrong-again' }), 10000, 'refused login'),
        (e: Error & { level?: string }) => e.level === 'client-authentication',
      );
      assert.ok(sim.app.lab.recentEvents().some((e) => e.kind === 'login-failed' && e.user === 'admin'));
    });
  });

  describe('session', function () {
    it('prints the VOS banner byte for byte, then admin:', async function () {
      const sh = await shell();
      assert.equal(sh.text, BANNER);
    });

    it('refuses an exec request while a shell on the same connection works', async function () {
      const client = await connectClient({ port: pubPort(sim) });
      try {
        const err = await within(
          new Promise<Error | undefined>((resolve) => {
            client.exec('show myself', (e, stream) => {
              if (stream) stream.close();
              resolve(e);
            });
          }),
          10000,
          'exec answer',
        );
        assert.ok(err instanceof Error, 'exec must fail');
        const sh = await Shell.onClient(client);
        open.push(sh);
        const out = await sh.run('show myself');
        assert.ok(out.includes('Machine Name    : cucm-pub\r\n'), out);
      } finally {
        client.end();
      }
    });

    it('quit ends the session with exit status 0', async function () {
      const sh = await shell();
      sh.send('quit\r');
      await within(sh.closed, 10000, 'channel close after quit');
      assert.equal(sh.exitCode, 0);
      assert.ok(sh.text.endsWith('admin:quit\r\n'), JSON.stringify(sh.text.slice(-40)));
    });

    it('exit ends the session with exit status 0', async function () {
      const sh = await shell();
      sh.send('exit\r');
      await within(sh.closed, 10000, 'channel close after exit');
      assert.equal(sh.exitCode, 0);
    });
  });

  describe('pty size and the pager', function () {
    it('stops a long listing after rows-1 lines, follows window-change, and honours enter and q', async function () {
      // the whole listing, for reference, from a session without pagination
      const ref = await shell();
      await ref.run('set cli pagination off');
      const all = Shell.lines(await ref.run('utils service list'));
      assert.ok(all.length > 9 + 29 + 1, `the listing must be longer than two pages (${all.length} lines)`);

      const sh = await shell({ rows: 10 });
      let from = sh.mark();
      sh.send('utils service list\r');
      let at = await sh.waitFor(PAGER_PROMPT, from);
      const first = sh.text.slice(from, at);
      assert.ok(first.startsWith('utils service list\r\n'), JSON.stringify(first));
      const page1 = crlfLines(first.slice('utils service list\r\n'.length));
      assert.deepEqual(page1, all.slice(0, 9));
      assert.equal(sh.text.length, at + PAGER_PROMPT.length, 'nothing may follow the pager prompt');

      // a bigger window: a space now shows 29 lines
      sh.setWindow(30, 80);
      from = sh.mark();
      sh.send(' ');
      at = await sh.waitFor(PAGER_PROMPT, from);
      const second = sh.text.slice(from, at);
      assert.ok(second.startsWith('\r\x1b[K'), `the pager prompt is erased first: ${JSON.stringify(second.slice(0, 10))}`);
      assert.deepEqual(crlfLines(second.slice(4)), all.slice(9, 38));

      // enter: one more line
      from = sh.mark();
      sh.send('\r');
      at = await sh.waitFor(PAGER_PROMPT, from);
      assert.equal(sh.text.slice(from, at), `\r\x1b[K${all[38]}\r\n`);

      // q: the rest is dropped and the prompt comes back
      from = sh.mark();
      sh.send('q');
      await sh.waitFor('admin:', from);
      assert.equal(sh.text.slice(from), '\r\x1b[Kadmin:');
    });

    it('set cli pagination off prints the whole listing without a pager prompt', async function () {
      const sh = await shell({ rows: 10 });
      const set = await sh.run('set cli pagination off');
      assert.equal(set, 'set cli pagination off\r\nAutomatic pagination is turned off\r\nadmin:');
      const out = await sh.run('utils service list');
      assert.ok(!out.includes(PAGER_PROMPT), 'no pager prompt expected');
      const lines = Shell.lines(out);
      assert.equal(lines[0], 'Requesting service status, please wait...');
      assert.ok(lines.includes('Cisco Tftp[STARTED]'), lines.join('\n'));
      assert.equal(lines.length, sim.app.cluster.services.list('cucm-pub').length + 4);
    });
  });

  describe('concurrency', function () {
    it('20 concurrent sessions changing services lose no update', async function () {
      const candidates = sim.app.cluster
        .services.list('cucm-pub')
        .filter((s) => s.def.group !== 'platform' && s.state.activated && s.state.state === 'STARTED')
        .map((s) => s.def.name);
      assert.ok(candidates.length >= 16, `need 16 running services, have ${candidates.length}`);
      const distinct = candidates.slice(0, 15);
      const shared = candidates[15];
      const eventsBefore = sim.app.lab.recentEvents(100000).length;

      // sessions 0..14: one service each; even ones stop it, odd ones stop then start it.
      // sessions 15..19: all stop the same service; exactly one of them can change it.
      const shells = await Promise.all(Array.from({ length: 20 }, () => shell()));
      const outputs = await Promise.all(
        shells.map(async (sh, i) => {
          const out: string[] = [];
          if (i < 15) {
            out.push(await sh.run(`utils service stop ${distinct[i]}`));
            if (i % 2 === 1) out.push(await sh.run(`utils service start ${distinct[i]}`));
          } else {
            out.push(await sh.run(`utils service stop ${shared}`));
          }
          return out;
        }),
      );

      for (let i = 0; i < 15; i++) {
        const name = distinct[i];
        assert.ok(outputs[i][0].includes(`${name}[STOPPED]  \r\n${name}[STOPPED]  \r\n`), outputs[i][0]);
        if (i % 2 === 1) assert.ok(outputs[i][1].includes(`${name}[STARTED]  \r\n${name}[STARTED]  \r\n`), outputs[i][1]);
      }
      const applied = outputs.slice(15).filter((o) => o[0].includes(`${shared}[STOPPED]  \r\n${shared}[STOPPED]  \r\n`));
      // (the state shown in the "already stopped" line is checked by the next test)
      const already = outputs.slice(15).filter((o) => /\[[A-Z]+\]  Component already stopped\r\n/.test(o[0]));
      assert.equal(applied.length, 1, 'exactly one of the five stops of the shared service applies');
      assert.equal(already.length, 4, outputs.slice(15).map((o) => o[0]).join('\n----\n'));
      for (const o of outputs) for (const r of o) assert.ok(!r.includes('Executed command unsuccessfully'), r);

      // what any session now sees
      const check = shells[0];
      await check.run('set cli pagination off');
      const list = Shell.lines(await check.run('utils service list'));
      for (let i = 0; i < 15; i++) {
        const expected = i % 2 === 1 ? `${distinct[i]}[STARTED]` : `${distinct[i]}[STOPPED]  Commanded Out of Service`;
        assert.ok(list.includes(expected), `expected "${expected}" in:\n${list.join('\n')}`);
      }
      assert.ok(list.includes(`${shared}[STOPPED]  Commanded Out of Service`), list.join('\n'));

      // one event per applied change: 15 stops + 7 starts + 1 shared stop
      const events = sim.app.lab.recentEvents(100000).slice(eventsBefore).filter((e) => e.kind.startsWith('service-'));
      const count = (kind: string, svc: string) => events.filter((e) => e.kind === kind && (e.payload as { service: string }).service === svc).length;
      for (let i = 0; i < 15; i++) {
        assert.equal(count('service-stop', distinct[i]), 1, distinct[i]);
        assert.equal(count('service-start', distinct[i]), i % 2, distinct[i]);
      }
      assert.equal(count('service-stop', shared), 1, shared);
      assert.equal(events.length, 15 + 7 + 1);
    });

    it('a stop that loses the race to another session reports the state the service is in', async function () {
      // When another session stops the service while this one polls, the "already stopped" line must
      // report the state at commit time ([STOPPED]), not the one read before the polling.
      const name = 'Cisco Tftp';
      const shells = await Promise.all(Array.from({ length: 4 }, () => shell()));
      const outs = await Promise.all(shells.map((sh) => sh.run(`utils service stop ${name}`)));
      const losers = outs.filter((o) => o.includes('Component already stopped'));
      assert.equal(losers.length, 3, outs.join('\n----\n'));
      for (const o of losers) {
        assert.ok(o.includes(`${name}[STOPPED]  Component already stopped\r\n`), o);
        assert.ok(!o.includes(`${name}[STARTED]`), o);
      }
    });
  });

  describe('privilege', function () {
    it('a level-0 user cannot restart a service and the state is unchanged', async function () {
      const u = TEST_USERS.reader;
      const sh = await shell({ username: u.name, password: u.password });
      const before = sim.app.cluster.services.find('cucm-pub', 'Cisco Tftp')!.state;
      const eventsBefore = sim.app.lab.recentEvents(100000).length;
      const out = await sh.run('utils service restart Cisco Tftp');
      assert.equal(out, 'utils service restart Cisco Tftp\r\nIncomplete command entered\r\nExecuted command unsuccessfully\r\nadmin:');
      assert.deepEqual(sim.app.cluster.services.find('cucm-pub', 'Cisco Tftp')!.state, before);
      assert.equal(sim.app.lab.recentEvents(100000).slice(eventsBefore).filter((e) => e.kind.startsWith('service-')).length, 0);
      // ...while a read-only command works for the same user
      const me = await sh.run('show myself');
      assert.ok(me.includes('privilege level : 0\r\n'), me);
    });

    it('a level-1 user can restart the same service', async function () {
      const u = TEST_USERS.operator;
      const sh = await shell({ username: u.name, password: u.password });
      const out = await sh.run('utils service restart Cisco Tftp');
      assert.ok(out.includes('Cisco Tftp[STARTED]  \r\n'), out);
      assert.ok(!out.includes('Executed command unsuccessfully'), out);
    });
  });

  describe('one SSH port per node', function () {
    it('each node listens on its own port and show myself names that node', async function () {
      const pub = sim.ssh.get('cucm-pub')!;
      const sub = sim.ssh.get('cucm-sub1')!;
      assert.ok(pub && sub, 'both nodes serve SSH');
      assert.notEqual(pub.port, sub.port);
      const [a, b] = await Promise.all([shell({ port: pub.port }), shell({ port: sub.port })]);
      const onPub = await a.run('show myself');
      const onSub = await b.run('show myself');
      assert.ok(onPub.includes('Machine Name    : cucm-pub\r\n'), onPub);
      assert.ok(onSub.includes('Machine Name    : cucm-sub1\r\n'), onSub);
    });
  });

  it('keeps serving after a client vanishes mid-session', async function () {
    const a = await shell();
    a.send('utils service li');
    await a.waitFor('utils service li');
    (a.client as unknown as { _sock: { destroy(): void } })._sock.destroy();
    await waitUntil(() => sim.app.sessionCount === 0, 5000, 'the server to drop the vanished session');
    assert.equal(logoutsPending(sim), 0, 'the vanished client is logged out');
    const b = await shell({ username: ADMIN.name });
    const out = await b.run('show myself');
    assert.ok(out.includes('Machine Name    : cucm-pub'), out);
  });

  // close() must wait for every connection to be torn down: a connection's 'close' handler writes
  // its logout to the store, which must still be open then.
  it('close() right after a client vanishes throws nothing afterwards', async function () {
    const a = await shell();
    (a.client as unknown as { _sock: { destroy(): void } })._sock.destroy();
    const errors: Error[] = [];
    const onError = (e: Error) => errors.push(e);
    process.prependListener('uncaughtException', onError);
    try {
      await sim.close();
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      process.off('uncaughtException', onError);
    }
    assert.deepEqual(errors.map((e) => e.message), []);
    sim = await start(); // afterEach closes it
  });
});
