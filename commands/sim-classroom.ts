// sim classroom status|reset|watch: the instructor's view of a classroom (ucmsim classroom), from a
// session on any seat. Only the instructor account may use them; trainees see a refusal.
import { CliError, type CommandSpec, type CommandContext } from '../src/cli/command';
import type { ClassroomView } from '../src/training/classroom';

const INSTRUCTOR = 'instructor';

function classroom(ctx: CommandContext): ClassroomView {
  const c = ctx.lab.classroom;
  if (!c) throw new CliError(['This lab is not a classroom seat (ucmsim classroom --scenario NAME --seats N).']);
  if (ctx.session.user !== INSTRUCTOR) throw new CliError(['Only the instructor account can use sim classroom.']);
  return c;
}

function seatNumber(c: ClassroomView, text: string): number {
  const n = /^(?:seat)?0*(\d{1,3})$/i.exec(text.trim());
  const k = n ? Number(n[1]) : NaN;
  if (!(k >= 1 && k <= c.seatCount)) throw new CliError([`Invalid seat ${text}: give 1 to ${c.seatCount} (or seat01...).`]);
  return k;
}

const seatArg = { name: 'seat', describe: 'the seat number, e.g. 3 or seat03', required: true };

export const simClassroomCommands: CommandSpec[] = [
  {
    path: 'sim classroom status',
    privilege: 4,
    description: ['Shows every seat of the classroom: objectives met, hints used, score so far, trainee sessions.'],
    async run(ctx) {
      const c = classroom(ctx);
      ctx.line(`${'Seat'.padEnd(8)}${'Trainee'.padEnd(11)}${'Objectives'.padEnd(12)}${'Hints'.padEnd(7)}${'Score'.padEnd(10)}Sessions`);
      for (const s of c.status()) {
        ctx.line(`${s.seat.padEnd(8)}${s.trainee.padEnd(11)}${`${s.met}/${s.objectives}`.padEnd(12)}${String(s.hints).padEnd(7)}${`${s.score}/${s.max}`.padEnd(10)}${s.sessions}`);
      }
    },
  },
  {
    path: 'sim classroom reset',
    privilege: 4,
    args: [seatArg],
    description: ['Starts a seat\'s exercise again: its lab returns to the end of the setup and its sessions end.'],
    async run(ctx, args) {
      const c = classroom(ctx);
      const k = seatNumber(c, args.seat);
      // Not awaited: the instructor may be sitting on the very seat that restarts.
      c.reset(k).catch(() => {
        /* the seat logs its own failure */
      });
      ctx.line(`Seat ${k} is being reset; its sessions end.`);
    },
  },
  {
    path: 'sim classroom watch',
    privilege: 4,
    args: [seatArg],
    description: ['Follows a trainee\'s session live, line by line, read-only. Control-C stops watching.'],
    async run(ctx, args) {
      const c = classroom(ctx);
      const k = seatNumber(c, args.seat);
      ctx.line(`Watching seat ${k}; press Control-C to stop.`);
      let partial = '';
      // Complete lines only: the instructor's own terminal keeps its pager and line discipline.
      const stop = c.watch(k, (text) => {
        const lines = (partial + text).split(/\r?\n/);
        partial = lines.pop() ?? '';
        if (partial.length > 4096) partial = partial.slice(-4096);
        try {
          for (const l of lines) ctx.line(`| ${l.replace(/\r/g, '')}`);
        } catch {
          /* the watch was stopped */
        }
      });
      try {
        await new Promise<void>((_, reject) => {
          if (ctx.signal.aborted) reject(ctx.signal.reason);
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
        });
      } finally {
        stop();
      }
    },
  },
];
