// sim dashboard: the lab live on the whole terminal (clusters, trust files, phones, events) until q.
import { CliError, type CommandSpec } from '../src/cli/command';
import { labSource } from '../src/dashboard/model';
import { runDashboard } from '../src/dashboard/view';

/** Terminal types that cannot address the cursor. */
const NO_CURSOR = new Set(['dumb', 'unknown', 'cons25', '']);

export const dashboardCommands: CommandSpec[] = [
  {
    path: 'sim dashboard',
    privilege: 0,
    description: [
      'Shows the lab live on the whole terminal: clusters and nodes, the ITL and CTL of each TFTP node,',
      'phones by state with a scrollable, filterable list, and the events as they happen. q or Ctrl-C returns.',
    ],
    async run(ctx) {
      const term = ctx.session.termType;
      if (term === null || NO_CURSOR.has(term.toLowerCase())) {
        throw new CliError([
          term === null
            ? 'The dashboard needs a terminal: this session has none (no pty).'
            : `The dashboard needs a terminal with cursor addressing: this one is TERM=${term}.`,
          'For the phone counts as text, run: sim report phones summary',
        ]);
      }
      const source = labSource(ctx.lab, `${ctx.session.node} (${ctx.cluster.name})`);
      await ctx.session.fullScreen((io) => runDashboard(io, source, term));
    },
  },
];
