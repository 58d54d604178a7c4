// sim report phones summary: the dashboard's phone counts as plain text, for scripts and for terminals
// without cursor addressing.
import type { CommandSpec } from '../src/cli/command';
import type { PhoneSummary } from '../src/phones/summary';

const COLUMNS: [title: string, value: (s: PhoneSummary) => number][] = [
  ['Phones', (s) => s.total],
  ['Registered', (s) => s.registered],
  ['Rebooting', (s) => s.rebooting],
  ['Locked out', (s) => s.lockedOut],
  ['Unregistered', (s) => s.unregistered],
  ['Rejected', (s) => s.rejected],
];

/** The table of counts, one row per cluster, then the reasons of each cluster's phones that are down. */
export function phoneSummaryLines(rows: { cluster: string; summary: PhoneSummary }[]): string[] {
  const w = Math.max('Cluster'.length, ...rows.map((r) => r.cluster.length));
  const lines = ['Cluster'.padEnd(w) + COLUMNS.map(([t]) => t.padStart(t.length + 2)).join('')];
  for (const r of rows) lines.push(r.cluster.padEnd(w) + COLUMNS.map(([t, v]) => String(v(r.summary)).padStart(t.length + 2)).join(''));
  for (const r of rows) {
    if (!r.summary.reasons.length) continue;
    lines.push('', `Not registered on ${r.cluster}, by reason:`);
    for (const x of r.summary.reasons) lines.push(`  ${String(x.phones).padStart(6)}  ${x.reason}`);
  }
  return lines;
}

export const reportPhonesCommands: CommandSpec[] = [
  {
    path: 'sim report phones summary',
    privilege: 0,
    description: ['Counts the phones of every cluster of the lab by state: registered, rebooting, locked out', '(a trust list or signed configuration refused), unregistered, rejected; then the reasons.'],
    async run(ctx) {
      const rows = [...ctx.lab.clusters.keys()].map((c) => ({ cluster: c, summary: ctx.lab.fleetOf(c).summary() }));
      ctx.lines(phoneSummaryLines(rows));
    },
  },
];
