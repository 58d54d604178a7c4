// Every scenario of etc/scenarios: its model solution (NAME.solution.txt) reaches the full score,
// doing nothing meets no objective and earns no penalty, and its typical mistake (NAME.mistake.txt)
// earns the penalty the file names. Scenarios that need commands not built yet are skipped.
import assert from 'node:assert/strict';
import { listScenarios, scenarioScript, type Scenario } from '../../src/training/scenario';
import { runScript } from '../../src/training/script';
import { allCommands } from '../../commands';
import type { Seat } from '../../src/training/seat';
import { startSeat, sftpValues } from '../helpers/training';

const paths = new Set(allCommands().map((c) => c.path));
// A requirement names a command or a family of them (`sim bulk-certificate`).
const missing = (s: Scenario) => s.requires.filter((r) => ![...paths].some((p) => p === r || p.startsWith(r + ' ')));
const only = process.env.SCENARIO;

describe('integration: training scenarios', function () {
  this.timeout(180000);
  const scenarios = listScenarios();
  let seat: Seat | null = null;
  afterEach(async () => {
    await seat?.close();
    seat = null;
  });

  it('there are at least twelve scenarios, each with a model solution and a typical mistake', () => {
    assert.ok(scenarios.length >= 12, `${scenarios.length} scenarios`);
    for (const s of scenarios) {
      assert.ok(scenarioScript(s, 'solution'), `${s.name}: a model solution`);
      const m = scenarioScript(s, 'mistake');
      assert.ok(m?.penalty && s.penalties.some((p) => p.id === m.penalty), `${s.name}: a mistake naming one of its penalties`);
      assert.ok(s.hints.length > 0, `${s.name}: hints`);
    }
  });

  for (const s of scenarios) {
    if (only && s.name !== only) continue;
    describe(s.name, () => {
      const needs = function (this: Mocha.Context) {
        if (missing(s).length) this.skip();
      };

      it('doing nothing meets no objective and earns no penalty', async () => {
        seat = await startSeat(s);
        const objectives = seat.training.objectives();
        assert.deepEqual(objectives.filter((o) => o.met).map((o) => o.id), [], 'no objective met at the start');
        const g = seat.training.grade();
        assert.equal(g.score, 0);
        assert.deepEqual(g.wrong, []);
      });

      it('the model solution reaches the full score', async function () {
        needs.call(this);
        seat = await startSeat(s);
        await runScript(seat.app, scenarioScript(s, 'solution')!.steps, { values: sftpValues(seat) });
        const g = seat.training.grade();
        const show = JSON.stringify({ missing: g.missing, wrong: g.wrong }, null, 1);
        assert.equal(g.score, g.max, show);
        assert.deepEqual(g.wrong, [], show);
        for (const r of g.right) assert.ok(r.evidence.length > 0, `${r.text}: evidence`);
        assert.ok(seat.training.objectives().every((o) => o.met && o.metAfter), 'every objective recorded as met');
      });

      it('the typical mistake earns its penalty', async () => {
        const m = scenarioScript(s, 'mistake')!;
        // A mistake of timing is typed at the time scale it names, so its reboots are not yet over.
        seat = await startSeat(s, m.timeScale !== undefined ? { timeScale: m.timeScale } : {});
        await runScript(seat.app, m.steps, { values: sftpValues(seat) }, false);
        const g = seat.training.grade();
        const p = s.penalties.find((x) => x.id === m.penalty)!;
        const hit = g.wrong.find((w) => w.text === p.text);
        assert.ok(hit, `penalty ${p.id}: ${JSON.stringify(g.wrong)}`);
        assert.ok(hit.evidence.some((e) => e.startsWith('event #')), 'evidence from the event log');
      });
    });
  }
});
