// The training commands as a user starts them: ucmsim lab list, ucmsim serve --scenario NAME.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ServeProcess, BIN } from '../helpers/serve-process';
import { Shell } from '../helpers/ssh2-shell';

describe('e2e: ucmsim lab list and serve --scenario', function () {
  this.timeout(90000);

  it('lab list shows every scenario with its version and title', () => {
    const r = spawnSync(process.execPath, [BIN, 'lab', 'list'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^itl-lockout-115 +11\.5 +Phones locked out after TVS and CallManager were regenerated together$/m);
    // The cluster moves' commands exist: the scenario is listed as ready, needing nothing more.
    assert.match(r.stdout, /^bulk-move +12\.5 to 14\.0 +Move phones to a new cluster with Bulk Certificate Management$/m);
    assert.match(r.stdout, /\d+ scenarios; start one with: ucmsim serve --scenario NAME/);
  });

  it('serve --scenario builds a fresh lab, runs the setup, prints the briefing; the trainee grades over SSH', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ucmsim-scenario-'));
    const p = ServeProcess.serve(dir, ['--scenario', 'rsa-4096']);
    try {
      const ports = await p.ports(['cucm-pub'], 60000);
      await p.stdout.waitFor('Ticket INC-6021', 0, 10000);
      assert.match(p.stdout.text, /running its setup \(4 commands\)/);
      const shell = await Shell.open({ port: ports.get('cucm-pub')!, rows: 200 });
      assert.match(await shell.run('sim lab status'), /Objectives met: 0 of 2/);
      assert.match(await shell.run('sim phone list'), /Rejected/);
      assert.match(await shell.run('sim lab grade'), /Score: 0 of 20/);
      await shell.close();
      const bad = spawnSync(process.execPath, [BIN, 'serve', '--scenario', 'no-such-scenario', '--data', path.join(dir, 'x')], { encoding: 'utf8' });
      assert.notEqual(bad.status, 0);
      assert.match(bad.stderr, /no scenario named no-such-scenario/);
    } finally {
      await p.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
