// sim node rebuild <node>: a server crash and reinstall, for the DRS exercises.
import { CliError, type CommandSpec } from '../src/cli/command';
import { rebuildNode } from '../src/cluster/drs';

export const simNodeCommands: CommandSpec[] = [
  {
    path: 'sim node rebuild',
    privilege: 1,
    args: [{ name: 'node', describe: 'the node that crashed', required: true, choices: (c) => c.cluster.nodes().map((n) => n.name) }],
    description: ['Stands for a crash and a reinstall of a node: every certificate and key is new, and the node restarts.', 'Phones cannot validate the ITL it then serves until the node is restored from a backup.'],
    example: ['sim node rebuild cucm-pub'],
    async run(ctx, args) {
      if (!ctx.cluster.hasNode(args.node)) throw new CliError([`There is no node named ${args.node} in this cluster.`]);
      const n = await rebuildNode(ctx.cluster, ctx.actor, args.node);
      ctx.line(`${args.node} was reinstalled: ${n} certificates and keys are new.`);
      if (args.node === ctx.session.node) ctx.session.dropNodeSessions();
    },
  },
];
