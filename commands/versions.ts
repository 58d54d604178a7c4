// utils system switch-version, utils system upgrade status.
import type { CommandSpec } from '../src/cli/command';
import { inactiveVersion, switchVersion } from '../src/cluster/switch-version';

export const versionCommands: CommandSpec[] = [
  {
    path: 'utils system switch-version',
    privilege: 1,
    description: ['This command restarts the cluster into the version of the inactive partition.'],
    async run(ctx) {
      const inactive = inactiveVersion(ctx.cluster);
      if (!inactive) {
        ctx.lines(['', '   ** There is no inactive side available **']);
        return;
      }
      ctx.lines([`Active Master Version: ${ctx.cluster.version}`, `Inactive Master Version: ${inactive}`, '']);
      ctx.line('Do you really want to switch between versions ?');
      if (!(await ctx.confirm('Enter (yes/no)? '))) return;
      ctx.lines(['', 'Switching Version and Restarting the Appliance ...']);
      const { to } = switchVersion(ctx.cluster, ctx.actor);
      ctx.lines([`Switch version to ${to} completed.`, '', 'restart now.']);
      ctx.session.dropNodeSessions();
    },
  },
  {
    path: 'utils system upgrade status',
    privilege: 1,
    description: ['This command shows the status of the current or last upgrade.'],
    async run(ctx) {
      const switched = [...ctx.lab.recentEvents(1000, ctx.cluster.name)].reverse().find((e) => e.kind === 'version-switched');
      ctx.lines([
        'Upgrade status: Ready',
        'Upgrade file: None',
        `Upgrade log: ${switched ? `install_log_${switched.simTime.slice(0, 10)}.${switched.simTime.slice(11, 19).replace(/:/g, '.')}.log` : 'None'}`,
      ]);
    },
  },
];
