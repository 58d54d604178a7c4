// sim events, sim network show, sim cluster <name> offline|online: the lab around the cluster, as an
// instructor or a trainee looks at it.
import { CliError, type CommandSpec, type CompletionContext } from '../src/cli/command';
import { javaDate } from '../src/clock/dates';
import type { LabEvent } from '../src/lab/events';

const EVENTS_DEFAULT = 20;
const EVENTS_MAX = 1000;

/** One event in a trainee's words: the payload's facts, phone boots summed up. */
export function eventSummary(e: LabEvent): string {
  if (e.kind === 'phones-booted') {
    const p = e.payload as LabEvent<'phones-booted'>['payload'];
    return `${p.booted} booted: ${p.registered} registered, ${p.rejected} rejected, ${p.unregistered} unregistered` +
      ` (now ${p.fleet.registered} of ${p.fleet.total} registered, ${p.fleet.rebooting} rebooting)`;
  }
  const facts = Object.entries(e.payload as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k}=${v}`);
  return facts.join(' ');
}

export const simLabCommands: CommandSpec[] = [
  {
    path: 'sim events',
    privilege: 0,
    args: [{ name: 'count', describe: `how many of the latest events (1-${EVENTS_MAX}, default ${EVENTS_DEFAULT})`, required: false }],
    description: ['Shows the latest events of the lab, oldest first, in simulated time: who did what, and what', 'the phones, services and nodes did on their own.'],
    async run(ctx, args) {
      const count = args.count === undefined ? EVENTS_DEFAULT : Number(args.count);
      if (!/^\d{1,4}$/.test(args.count ?? '20') || count < 1 || count > EVENTS_MAX) {
        throw new CliError([`Invalid count ${args.count}: give a number from 1 to ${EVENTS_MAX}.`]);
      }
      const events = ctx.lab.recentEvents(count);
      for (const e of events) {
        const who = [e.cluster ?? '-', e.node ?? '-', e.user ?? '-'].join(' ');
        ctx.line(`${javaDate(new Date(e.simTime), ctx.cluster.timeZone)}  ${who}  ${e.kind}  ${eventSummary(e)}`.trimEnd());
      }
      ctx.line(`Total: ${events.length}`);
    },
  },
  {
    path: 'sim network show',
    privilege: 0,
    description: ['Shows every node of the lab with its address, and whether TFTP, TVS and CallManager answer there.'],
    async run(ctx) {
      const services = { TFTP: 'Cisco Tftp', TVS: 'Cisco Trust Verification Service', CallManager: 'Cisco CallManager' };
      const clusters = [...ctx.lab.clusters.values()];
      // Columns as wide as the longest name, so a long cluster or node name never runs into the next.
      const cw = Math.max('Cluster'.length, ...clusters.map((c) => c.name.length)) + 2;
      const nw = Math.max(14, ...clusters.flatMap((c) => c.nodes().map((n) => n.name.length))) + 2;
      ctx.line(`${'Cluster'.padEnd(cw)}${'Node'.padEnd(nw)}${'Address'.padEnd(16)}${'TFTP'.padEnd(8)}${'TVS'.padEnd(8)}CallManager`);
      for (const cluster of clusters) {
        for (const node of cluster.nodes()) {
          const state = Object.values(services).map((s) => (ctx.lab.network.unreachable({ cluster, node }, s) ? 'down' : 'up'));
          ctx.line(`${cluster.name.padEnd(cw)}${node.name.padEnd(nw)}${node.ip.padEnd(16)}${state[0].padEnd(8)}${state[1].padEnd(8)}${state[2]}`);
        }
      }
    },
  },
  {
    path: 'sim cluster',
    privilege: 1,
    args: [
      { name: 'name', describe: 'the cluster, as the lab file names it', required: true, choices: (c: CompletionContext) => c.clusterNames() },
      { name: 'state', describe: 'offline (shut down or cut off the network) or online', required: true, choices: () => ['offline', 'online'] },
    ],
    description: ['Takes a whole cluster off the network (as when it is shut down or cut off), or brings it back.', 'Phones can reach neither its TFTP nor its TVS while it is offline.'],
    example: ['sim cluster old offline'],
    async run(ctx, args) {
      const state = args.state.toLowerCase();
      if (state !== 'offline' && state !== 'online') throw new CliError([`Invalid state ${args.state}: use offline or online.`]);
      const cluster = ctx.lab.cluster(args.name);
      ctx.lab.setOnline(cluster, ctx.actor, state === 'online');
      ctx.line(`Cluster ${cluster.name} is ${state}.`);
    },
  },
];
