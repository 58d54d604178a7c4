// A classroom in one process: every seat an isolated lab reachable only by its own trainee, an
// instructor who sees every seat, watches a trainee live and resets a seat.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Classroom } from '../../src/training/classroom';
import { findScenario } from '../../src/training/scenario';
import { Shell } from '../helpers/ssh2-shell';
import { within } from '../helpers/wait';

describe('integration: classroom', function () {
  this.timeout(120000);
  let room: Classroom;
  let dir: string;
  let creds: Map<string, { password: string; port: number }>;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ucmsim-classroom-'));
    room = await Classroom.open({ scenario: findScenario('mixed-mode'), seats: 2, dir, host: '127.0.0.1', sshPort: 0, sftpPort: 0, timeScale: 0 });
    const text = fs.readFileSync(room.credentials, 'utf8');
    creds = new Map([...text.matchAll(/^(\w+)  (\S+)  ssh -p (\d+) /gm)].map((m) => [m[1], { password: m[2], port: Number(m[3]) }]));
  });
  after(async () => {
    await room?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const portOf = (seat: number) => [...room.seats[seat - 1].sim!.ssh.values()][0].port;
  const login = (user: string, seat: number) => Shell.open({ port: portOf(seat), username: user, password: creds.get(user)!.password, rows: 200 });
  const mixed = (seat: number) => room.seats[seat - 1].app.lab.defaultCluster.settings.mixedMode;

  it('writes the logins to a 0600 file: the instructor and one trainee per seat, each on their seat\'s publisher', () => {
    assert.equal((fs.statSync(room.credentials).mode & 0o777).toString(8), '600');
    assert.deepEqual([...creds.keys()], ['instructor', 'trainee01', 'trainee02']);
    assert.equal(creds.get('trainee01')!.port, portOf(1));
    assert.equal(creds.get('trainee02')!.port, portOf(2));
  });

  it('a trainee reaches only their own seat; what one seat does never reaches another', async () => {
    await assert.rejects(Shell.open({ port: portOf(2), username: 'trainee01', password: creds.get('trainee01')!.password, timeoutMs: 8000 }));
    await assert.rejects(Shell.open({ port: portOf(1), username: 'admin', password: 'ciscopsdt', timeoutMs: 8000 }), 'no well-known account on a seat');
    const t1 = await login('trainee01', 1);
    const from = t1.mark();
    t1.send('utils ctl set-cluster mixed-mode\r');
    await t1.waitFor('(y/n):', from);
    await t1.run('y');
    await t1.run('sim phone reset all');
    assert.equal(mixed(1), true);
    assert.equal(mixed(2), false, 'seat 2 untouched');
    assert.ok(!room.seats[1].app.lab.recentEvents(1000).some((e) => e.kind === 'ctl-built' || e.kind === 'phones-reset'), 'nothing in seat 2\'s event log');
    assert.match(await t1.run('sim classroom status'), /Only the instructor account/);
    await t1.close();

    const teacher = await login('instructor', 2);
    const status = await teacher.run('sim classroom status');
    assert.match(status, /seat01  trainee01  3\/3 /);
    assert.match(status, /seat02  trainee02  0\/3 /);
    await teacher.close();
  });

  it('the instructor watches a trainee live, read-only, and resets the seat', async () => {
    const teacher = await login('instructor', 2);
    const t1 = await login('trainee01', 1);
    let from = teacher.mark();
    teacher.send('sim classroom watch 1\r');
    await teacher.waitFor('Control-C to stop', from);
    await t1.run('show myself');
    await teacher.waitFor('| show myself\r\n', from);
    await teacher.waitFor('| account name    : trainee01\r\n', from);
    teacher.send('\x03');
    await teacher.waitFor('\r\nadmin:', from);
    // typing in the watch changes nothing on the seat
    assert.equal(room.seats[0].app.lab.recentEvents(5).filter((e) => e.user === 'instructor').length, 0);

    const before = room.seats[0].app;
    from = teacher.mark();
    await teacher.run('sim classroom reset 1');
    await within((async () => {
      while (room.seats[0].app === before || !room.seats[0].app.lab.training) await new Promise((r) => setTimeout(r, 20));
    })(), 20000, 'seat 1 to restart');
    assert.equal(mixed(1), false, 'seat 1 back at the setup');
    await t1.close().catch(() => {});
    await teacher.close();
    assert.match(room.status()[0].seat, /seat01/);
    assert.equal(room.status()[0].met, 0);
  });
});
