// Nothing a session types, and no broken file met at run time, stops the server: a command that
// throws, a phone model that left etc/phone-models.yaml after init, a broken lab file at start.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startSimulator, type Simulator } from '../../src/simulator';
import { STORE_FILE } from '../../src/store/store';
import { freshDataDir } from '../helpers/cluster';
import { Shell } from '../helpers/ssh2-shell';
import { ServeProcess } from '../helpers/serve-process';
import { waitUntil } from '../helpers/wait';

describe('integration: containment', function () {
  this.timeout(60000);
  let sim: Simulator;
  let logged: string[];
  const shells: Shell[] = [];
  const login = async () => {
    const sh = await Shell.open({ port: [...sim.ssh.values()][0].port });
    shells.push(sh);
    await sh.run('set cli pagination off');
    return sh;
  };

  beforeEach(async () => {
    logged = [];
    sim = await startSimulator({ dataDir: await freshDataDir(), host: '127.0.0.1', basePort: 0, timeScale: 0, authFailDelayMs: 50, log: (m) => logged.push(m) });
  });
  afterEach(async () => {
    await Promise.all(shells.splice(0).map((s) => s.close()));
    await sim.close();
  });

  it('a command that throws prints Executed command unsuccessfully, logs its stack, and every session goes on', async () => {
    const a = await login();
    const b = await login();
    const servm = sim.app.cluster.services;
    const list = servm.list;
    servm.list = () => {
      throw new TypeError('a bug deep in the model');
    };
    try {
      const out = await a.run('utils service list');
      assert.match(out, /\r\nExecuted command unsuccessfully\r\nadmin:$/);
      assert.ok(logged.some((m) => m.includes('a bug deep in the model') && m.includes('    at ')), logged.join('\n'));
    } finally {
      servm.list = list;
    }
    assert.match(await a.run('show myself'), /Machine Name/);
    assert.match(await b.run('utils service list'), /Cisco Tftp\[STARTED\]/);
  });

  it('sim network show keeps its columns apart for a cluster name longer than the header', async () => {
    const sh = await login();
    assert.match(await sh.run('sim network show'), /\r\nStandAloneCluster  cucm-pub\s+10\.10\.10\.11\s+up\s+up\s+up\r\n/);
  });

  it('a phone whose model left etc/phone-models.yaml after init fails its boot alone; the server and the other phones go on', async () => {
    const sh = await login();
    const victim = sim.app.fleet.phones()[0].name;
    // What removing the model from etc/phone-models.yaml amounts to for a phone created before.
    const db = new Database(path.join(sim.app.lab.dataDir, STORE_FILE));
    db.prepare('UPDATE phones SET model = ? WHERE name = ?').run('CP-0000', victim);
    db.close();
    assert.match(await sh.run('sim phone reset all'), /devices/);
    await waitUntil(() => sim.app.fleet.phones().every((p) => p.reboot_until === null), 10000, 'the boots to be over');
    const phones = sim.app.fleet.phones();
    const broken = phones.find((p) => p.name === victim)!;
    assert.equal(broken.reg_state, 'unr');
    assert.match(broken.status, /Boot failed: unknown phone model CP-0000/);
    assert.ok(phones.filter((p) => p.name !== victim).every((p) => p.reg_state === 'reg'), 'the others registered');
    assert.match(await sh.run(`sim phone show ${victim}`), /CP-0000/);
    assert.match(await sh.run('show risdb query phone'), /Total count: \d+/);
  });
});

describe('integration: sim clock advance bounds', function () {
  this.timeout(60000);

  it('an absurd advance is refused and changes nothing; the clock and every session go on', async () => {
    const sim = await startSimulator({ dataDir: await freshDataDir(), host: '127.0.0.1', basePort: 0, timeScale: 1, authFailDelayMs: 50 });
    const sh = await Shell.open({ port: [...sim.ssh.values()][0].port });
    try {
      const offset = sim.app.clock.offset;
      for (const bad of ['99999999d', '9999999999999999999999s', '9'.repeat(400) + 'd', '0s']) {
        assert.match(await sh.run(`sim clock advance ${bad}`), /\r\nExecuted command unsuccessfully\r\nadmin:$/);
      }
      assert.ok(Math.abs(sim.app.clock.offset - offset) < 1000, 'the clock did not move');
      assert.ok(!sim.app.lab.recentEvents(10).some((e) => e.kind === 'clock-advanced'));
      assert.match(await sh.run('sim clock advance 1d'), /Simulated time/);
      assert.ok(sim.app.clock.offset - offset > 86_000_000);
      assert.match(await sh.run('show myself'), /Machine Name/);
    } finally {
      await sh.close();
      await sim.close();
    }
  });
});

describe('integration: a broken lab file', function () {
  this.timeout(30000);

  it('refuses to start with one line naming the file, the field and the problem, and no stack trace', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ucmsim-badlab-'));
    try {
      const lab = path.join(dir, 'lab.yaml');
      fs.writeFileSync(lab, 'clusters:\n  - cluster: { name: a, version: 14.0.1.13900-155, domain: a.example.com }\n    nodes:\n      - { name: a-pub, ip: 10.0.0.300 }\n');
      const serve = ServeProcess.serve(path.join(dir, 'data'), ['--lab', lab]);
      const exit = await serve.waitExit(20000);
      assert.equal(exit.code, 1);
      const err = serve.stderr.text.trim();
      assert.equal(err.split('\n').length, 1, err);
      assert.match(err, new RegExp(`^ucmsim: ${lab.replace(/[.]/g, '\\.')}: clusters\\[0\\]\\.ip of node a-pub is not IPv4: 10\\.0\\.0\\.300$`));
      assert.ok(!fs.existsSync(path.join(dir, 'data', STORE_FILE)), 'nothing was written');
      fs.writeFileSync(lab, 'clusters: [ {');
      const again = ServeProcess.serve(path.join(dir, 'data'), ['--lab', lab]);
      await again.waitExit(20000);
      assert.match(again.stderr.text.trim(), new RegExp(`^ucmsim: cannot read ${lab.replace(/[.]/g, '\\.')}: .+$`));
      assert.doesNotMatch(again.stderr.text, /\n\s+at /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
