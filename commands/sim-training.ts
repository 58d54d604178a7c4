// sim lab show|status|hint|grade|reset: the exercise a lab started from a scenario runs (ucmsim serve
// --scenario NAME): the ticket, where the trainee stands, hints, the grade with its evidence, a restart.
import { CliError, type CommandSpec, type CommandContext } from '../src/cli/command';
import { minutes, type Training } from '../src/training/training';

function training(ctx: CommandContext): Training {
  const t = ctx.lab.training;
  if (!t) throw new CliError(['This lab was not started from a scenario (ucmsim serve --scenario NAME; ucmsim lab list).']);
  return t;
}

export const simTrainingCommands: CommandSpec[] = [
  {
    path: 'sim lab show',
    privilege: 0,
    description: ['Shows the briefing of the exercise: what happened and what you must achieve.'],
    async run(ctx) {
      const t = training(ctx);
      const s = t.scenario;
      ctx.lines([`Scenario : ${s.name} (CUCM ${s.version})`, `Title    : ${s.title}`, `Budget   : ${s.timeBudgetMinutes} minutes`, '']);
      ctx.lines(s.briefing.split('\n'));
      ctx.line('');
      ctx.line('Objectives:');
      for (const o of s.objectives) ctx.line(`  - ${o.text}`);
    },
  },
  {
    path: 'sim lab status',
    privilege: 0,
    description: ['Shows each objective, met or not met, and when it was met (simulated and wall time from the start).'],
    async run(ctx) {
      const t = training(ctx);
      const objectives = t.objectives();
      for (const o of objectives) {
        const when = o.metAfter ? ` (after ${minutes(o.metAfter.simMs)} simulated, ${minutes(o.metAfter.wallMs)} wall)` : '';
        ctx.line(`[${o.met ? 'met' : '   '}] ${o.text}${when}`);
        if (!o.met) for (const f of o.facts.slice(0, 3)) ctx.line(`        ${f}`);
      }
      const e = t.elapsed();
      ctx.line(`Objectives met: ${objectives.filter((o) => o.met).length} of ${objectives.length}`);
      ctx.line(`Elapsed: ${minutes(e.simMs)} simulated, ${minutes(e.wallMs)} wall (budget ${t.scenario.timeBudgetMinutes} minutes)`);
      ctx.line(`Hints used: ${t.hintsUsed} of ${t.scenario.hints.length}`);
    },
  },
  {
    path: 'sim lab hint',
    privilege: 0,
    description: ['Gives the next hint. Every hint used costs points in the grade.'],
    async run(ctx) {
      const h = training(ctx).hint();
      ctx.line(h ? `Hint ${h.n} of ${h.of}: ${h.text}` : 'No more hints.');
    },
  },
  {
    path: 'sim lab grade',
    privilege: 0,
    description: ['Grades the exercise: the score, what went right and what went wrong, each with its evidence from the event log.'],
    async run(ctx) {
      const t = training(ctx);
      const g = t.grade();
      ctx.line(`Score: ${g.score} of ${g.max}`);
      const section = (title: string, sign: string, lines: typeof g.right) => {
        if (!lines.length) return;
        ctx.line(title);
        for (const l of lines) {
          ctx.line(`  ${sign}${String(l.points).padStart(3)}  ${l.text}`);
          for (const e of l.evidence) ctx.line(`          ${e}`);
        }
      };
      section('Right:', '+', g.right);
      section('Not done:', ' ', g.missing);
      section('Wrong:', '-', g.wrong);
      const e = t.elapsed();
      ctx.line(`Time: ${minutes(e.simMs)} simulated, ${minutes(e.wallMs)} wall (budget ${t.scenario.timeBudgetMinutes} minutes)`);
    },
  },
  {
    path: 'sim lab reset',
    privilege: 1,
    description: ['Starts the exercise again: the lab returns to where the scenario set it up, every session ends.'],
    async run(ctx) {
      const t = training(ctx);
      if (!(await ctx.confirm('This ends every session and starts the exercise again. Continue (yes|no)? '))) return;
      ctx.line('The lab is being reset; log in again in a few seconds.');
      t.reset();
    },
  },
];
