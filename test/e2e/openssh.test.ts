// End to end through the real OpenSSH client (/usr/bin/ssh under a pty, driven like an expect
// script): login, Tab completion, a service restart, Ctrl-C in a dialog, Ctrl-Z, exit status,
// state across a restart, and `ucmsim serve` as a real child process.
import { BANNER } from '../helpers/banner';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startSimulator, type Simulator } from '../../src/simulator';
import { freshDataDir } from '../helpers/cluster';
import { Store } from '../../src/store/store';
import { Repository } from '../../src/store/repository';
import { PtySsh } from '../helpers/openssh';
import { render } from '../helpers/screen';
import { ServeProcess, procState } from '../helpers/serve-process';
import { allLoggedOut } from '../helpers/sim-settle';


const PEM = /-----BEGIN CERTIFICATE-----\r\n[\s\S]*?-----END CERTIFICATE-----/;

function startOn(dataDir: string): Promise<Simulator> {
  return startSimulator({ dataDir, host: '127.0.0.1', basePort: 0, timeScale: 0, authFailDelayMs: 50 });
}

describe('e2e: real OpenSSH client', function () {
  this.timeout(60000);
  before(function () {
    if (!fs.existsSync('/usr/bin/ssh')) this.skip();
  });

  describe('against an in-process simulator', function () {
    let sim: Simulator | null;
    let dataDir: string;
    const clients: PtySsh[] = [];

    async function login(port = sim!.ssh.get('cucm-pub')!.port): Promise<PtySsh> {
      const s = await PtySsh.login({ port });
      clients.push(s);
      return s;
    }

    beforeEach(async function () {
      dataDir = await freshDataDir();
      sim = await startOn(dataDir);
    });

    afterEach(async function () {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      if (sim) {
        await sim.close();
      }
      sim = null;
    });

    it('logs in with a password and shows the banner and the admin: prompt', async function () {
      const s = await login();
      const at = s.text.indexOf('Command Line Interface');
      assert.ok(at >= 0, JSON.stringify(s.text));
      assert.equal(s.text.slice(at), BANNER);
      assert.match(s.text.slice(0, at), /admin@127\.0\.0\.1's password: /);
    });

    it('a wrong password is refused, ssh asks again, and the right one gets in', async function () {
      const s = new PtySsh({ port: sim!.ssh.get('cucm-pub')!.port });
      clients.push(s);
      await s.answerPassword('wrong-password');
      const from = s.mark();
      await s.waitFor(/Permission denied, please try again\.[\s\S]*password:\s*$/, from);
      s.send('ciscopsdt\r');
      await s.waitFor('admin:', from);
      const out = await s.run('show myself');
      assert.ok(out.includes('account name    : admin\r\n'), out);
      assert.equal(sim!.app.lab.recentEvents().filter((e) => e.kind === 'login-failed').length, 1);
    });

    it('completes `show my` with Tab, and Enter runs the completed command', async function () {
      const s = await login();
      let from = s.mark();
      s.send('show my');
      await s.waitFor('show my', from);
      from = s.mark();
      s.send('\t');
      await s.waitFor('self ', from);
      const screen = await render(s.text);
      assert.equal(screen.cursorRow, 'admin:show myself ');
      assert.equal(screen.cursorX, 'admin:show myself '.length);
      from = s.mark();
      s.send('\r');
      const end = await s.waitFor('\r\nadmin:', from);
      const out = s.text.slice(from, end);
      assert.ok(out.includes('Machine Name    : cucm-pub\r\n'), out);
      assert.ok(out.includes('account name    : admin\r\n'), out);
    });

    it('utils service restart Cisco Tftp polls STOPPING, STARTING, STARTED and returns to the prompt', async function () {
      const s = await login();
      const out = await s.run('utils service restart Cisco Tftp');
      assert.equal(
        out,
        'utils service restart Cisco Tftp\r\n' +
          " Don't press Ctrl-c while the service is getting RESTARTED.If Service has not Restarted Properly, execute the same Command Again\r\n" +
          'Service Manager is running\r\n' +
          'Cisco Tftp[STOPPING]  \r\n'.repeat(2) +
          'Cisco Tftp[STARTING]  \r\n'.repeat(2) +
          'Cisco Tftp[STARTED]  \r\n'.repeat(2) +
          'admin:',
      );
      assert.equal(sim!.app.lab.recentEvents().filter((e) => e.kind === 'service-restart').length, 1);
    });

    it('Ctrl-C at a yes/no question prints Control-C pressed, changes nothing, and the session goes on', async function () {
      const s = await login();
      const from = s.mark();
      s.send('utils system restart\r');
      await s.waitFor('Enter (yes/no)? ', from);
      const q = s.mark();
      s.send('\x03');
      await s.waitFor('admin:', q);
      assert.equal(s.text.slice(q), '\r\nControl-C pressed\r\nadmin:');
      assert.ok(s.text.slice(from).startsWith('utils system restart\r\nDo you really want to restart ?\r\nEnter (yes/no)? '), JSON.stringify(s.text.slice(from)));
      assert.equal(sim!.app.lab.recentEvents().filter((e) => e.kind === 'node-restart').length, 0);
      const out = await s.run('show myself');
      assert.ok(out.includes('Machine Name    : cucm-pub\r\n'), out);
    });

    it('exit ends ssh with exit code 0', async function () {
      const s = await login();
      s.send('exit\r');
      const e = await s.waitExit();
      assert.equal(e.exitCode, 0);
    });

    it('keeps state across a server restart: a stopped service and the same certificate', async function () {
      const s1 = await login();
      await s1.run('set cli pagination off');
      const stop = await s1.run('utils service stop Cisco Tftp');
      assert.ok(stop.includes('Cisco Tftp[STOPPED]  \r\n'), stop);
      const cert1 = (await s1.run('show cert own CallManager')).match(PEM)?.[0];
      assert.ok(cert1, 'show cert own CallManager prints a PEM');
      s1.send('exit\r');
      assert.equal((await s1.waitExit()).exitCode, 0);
      await allLoggedOut(sim!);
      await sim!.close();
      sim = null;

      sim = await startOn(dataDir);
      const s2 = await login();
      await s2.run('set cli pagination off');
      const list = await s2.run('utils service list');
      assert.ok(list.includes('\r\nCisco Tftp[STOPPED]  Commanded Out of Service\r\n'), list);
      const cert2 = (await s2.run('show cert own CallManager')).match(PEM)?.[0];
      assert.equal(cert2, cert1);
    });
  });

  describe('`ucmsim serve` as a child process', function () {
    const procs: ServeProcess[] = [];
    const clients: PtySsh[] = [];

    afterEach(async function () {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await Promise.all(procs.splice(0).map((p) => p.stop()));
    });

    it('a kill -9 in the middle of a command loses nothing committed and leaves a store the next serve takes over', async function () {
      const dir = await freshDataDir();
      const first = ServeProcess.serve(dir, ['--time-scale', '1']);
      procs.push(first);
      const ports = await first.ports(['cucm-pub', 'cucm-sub1']);
      const s = await PtySsh.login({ port: ports.get('cucm-pub')! });
      clients.push(s);
      await s.run('utils service stop Cisco CTIManager', 30000);
      // A restart polls for seconds at time scale 1; kill the server while it is under way.
      const m = s.mark();
      s.send('utils service restart Cisco Tftp\r');
      await s.waitFor('[STOPPING]', m, 10000);
      first.child.kill('SIGKILL');
      await first.waitExit(5000);

      const store = Store.open(dir);
      assert.equal(store.db.pragma('integrity_check', { simple: true }), 'ok');
      const repo = new Repository(store.db);
      assert.equal(repo.service('cucm-pub', 'Cisco CTIManager')!.state, 'STOPPED', 'the committed stop survived');
      assert.equal(repo.service('cucm-pub', 'Cisco Tftp')!.state, 'STARTED', 'the interrupted restart changed nothing');
      store.close();

      const second = ServeProcess.serve(dir);
      procs.push(second);
      const again = await second.ports(['cucm-pub', 'cucm-sub1']);
      const s2 = await PtySsh.login({ port: again.get('cucm-pub')! });
      clients.push(s2);
      await s2.run('set cli pagination off');
      assert.match(await s2.run('utils service list'), /Cisco CTIManager\[STOPPED\]  Commanded Out of Service/);
    });

    it('refuses a non-loopback --listen while the administrator has the default password', async function () {
      const serve = ServeProcess.serve(await freshDataDir(), ['--listen', '0.0.0.0']);
      procs.push(serve);
      const exit = await serve.waitExit(20000);
      assert.notEqual(exit.code, 0);
      await serve.stderr.waitFor('refusing to listen on 0.0.0.0', 0, 5000);
    });

    it('serves every node, refuses a second serve on the same data, and stops on SIGTERM with status 0', async function () {
      const dir = await freshDataDir();
      const serve = ServeProcess.serve(dir);
      procs.push(serve);
      const ports = await serve.ports(['cucm-pub', 'cucm-sub1']);
      assert.notEqual(ports.get('cucm-pub'), ports.get('cucm-sub1'));

      const s = await PtySsh.login({ port: ports.get('cucm-sub1')! });
      clients.push(s);
      const me = await s.run('show myself');
      assert.ok(me.includes('Machine Name    : cucm-sub1\r\n'), me);

      const second = ServeProcess.serve(dir);
      procs.push(second);
      const e2 = await second.waitExit(20000);
      assert.notEqual(e2.code, 0);
      await second.stderr.waitFor('already in use', 0, 5000);
      // the first one is untouched
      const again = await s.run('show myself');
      assert.ok(again.includes('Machine Name    : cucm-sub1\r\n'), again);

      // SIGTERM with a client still connected: the server ends it and exits 0
      serve.child.kill('SIGTERM');
      const e1 = await serve.waitExit(10000);
      assert.deepEqual(e1, { code: 0, signal: null });
      await s.waitExit(10000);
      assert.ok(!fs.existsSync(`${dir}/serve.lock`), 'the lock file is removed');
    });

    it('Ctrl-Z from a client does not stop the server: another session logs in and works', async function () {
      const dir = await freshDataDir();
      const serve = ServeProcess.serve(dir);
      procs.push(serve);
      const port = (await serve.ports(['cucm-pub'])).get('cucm-pub')!;

      const a = await PtySsh.login({ port });
      clients.push(a);
      const from = a.mark();
      a.send('\x1a'); // Ctrl-Z at the prompt
      // a second, separate ssh session
      const b = await PtySsh.login({ port });
      clients.push(b);
      assert.notEqual(procState(serve.child.pid!), 'T', 'the server process must not be stopped');
      const out = await b.run('show myself');
      assert.ok(out.includes('Machine Name    : cucm-pub\r\n'), out);
      // the first session is still usable and Ctrl-Z printed nothing
      const res = await a.run('show myself');
      assert.equal(a.text.slice(from, from + 'show myself\r\n'.length), 'show myself\r\n');
      assert.ok(res.includes('Machine Name    : cucm-pub\r\n'), res);
    });
  });
});
