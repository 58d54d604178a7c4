// The exercise in the CLI: sim lab show|status|hint|grade|reset, objectives turning met live as the
// scheduler completes reboots, and a reset that starts again from the setup's end.
import assert from 'node:assert/strict';
import { findScenario } from '../../src/training/scenario';
import { parseScript, runScript } from '../../src/training/script';
import type { Seat } from '../../src/training/seat';
import { startSeat } from '../helpers/training';
import { Shell } from '../helpers/ssh2-shell';
import { within } from '../helpers/wait';

const run = async (seat: Seat, text: string) => (await runScript(seat.app, parseScript(text), {}, false)).map((r) => r.output.replace(/\r/g, '')).join('');

describe('integration: training lab commands', function () {
  this.timeout(120000);
  let seat: Seat | null = null;
  afterEach(async () => {
    await seat?.close();
    seat = null;
  });

  it('show, hint, status and grade tell the trainee where they stand, with evidence', async () => {
    seat = await startSeat(findScenario('itl-lockout-115'));
    const show = await run(seat, 'sim lab show');
    assert.match(show, /Ticket INC-4711/);
    assert.match(show, /Objectives:\n  - The ITL was reset/);
    assert.match(await run(seat, 'sim lab hint'), /Hint 1 of 3: Look at a phone/);
    assert.match(await run(seat, 'sim lab hint'), /Hint 2 of 3: /);
    let status = await run(seat, 'sim lab status');
    assert.match(status, /\[   \] The ITL was reset/);
    assert.match(status, /Objectives met: 0 of 3/);
    assert.match(status, /Hints used: 2 of 3/);
    await run(seat, 'utils itl reset localkey\nsim phone reset all\nutils service restart Cisco Tftp\n@cucm-sub1\nutils service restart Cisco Tftp\n@cucm-pub\nsim phone reset all');
    status = await run(seat, 'sim lab status');
    assert.match(status, /\[met\] The ITL was reset from the publisher with utils itl reset\. \(after \d+ min \d+ s simulated, \d+ min \d+ s wall\)/);
    assert.match(status, /Objectives met: 3 of 3/);
    const grade = await run(seat, 'sim lab grade');
    assert.match(grade, /Score: 20 of 30/);
    assert.match(grade, /Right:\n  \+ 10  The ITL was reset/);
    assert.match(grade, /event #\d+ at \S+ by admin@cucm-pub \(utils itl reset localkey\): itl-reset/);
    assert.match(grade, /Wrong:\n  - 10  2 hints used/);
  });

  it('objectives turn met live as the scheduler completes the reboots (time scale 0.01)', async () => {
    seat = await startSeat(findScenario('mixed-mode'), { timeScale: 0.01 });
    const t = seat.training;
    const changes: string[] = [];
    t.onChange(() => changes.push(t.objectives().filter((o) => o.met).map((o) => o.id).join(',')));
    await run(seat, 'utils ctl set-cluster mixed-mode\n? y\nsim phone reset all');
    // Phones reboot in 10 to 90 simulated seconds: under a wall second at this scale.
    assert.equal(t.objectives().find((o) => o.id === 'registered')!.met, false, 'rebooting right after the reset');
    await within(new Promise<void>((resolve) => {
      const check = () => t.objectives().every((o) => o.met) && resolve();
      t.onChange(check);
      check();
    }), 30000, 'every objective met');
    assert.ok(changes.length >= 1);
    assert.equal(t.grade().score, t.grade().max);
  });

  it('sim lab reset over SSH ends the session and starts the exercise again from the setup', async () => {
    seat = await startSeat(findScenario('mixed-mode'));
    const port = () => [...seat!.sim!.ssh.values()][0].port;
    const shell = await Shell.open({ port: port() });
    await shell.run('sim lab hint');
    let from = shell.mark();
    shell.send('utils ctl set-cluster mixed-mode\r');
    await shell.waitFor('(y/n):', from);
    await shell.run('y');
    assert.equal(seat.app.lab.clusters.values().next().value!.settings.mixedMode, true);
    const before = seat.app;
    from = shell.mark();
    shell.send('sim lab reset\r');
    await shell.waitFor('(yes|no)? ', from);
    shell.send('yes\r');
    await shell.waitFor('log in again', from);
    await within((async () => {
      while (seat!.app === before || !seat!.app.lab.training) await new Promise((r) => setTimeout(r, 20));
    })(), 20000, 'the lab to restart');
    await shell.close().catch(() => {});
    assert.equal(seat.app.lab.defaultCluster.settings.mixedMode, false, 'back to the setup');
    assert.equal(seat.training.hintsUsed, 0);
    const again = await Shell.open({ port: port() });
    assert.match(await again.run('sim lab status'), /Objectives met: 0 of 3/);
    await again.close();
  });
});
