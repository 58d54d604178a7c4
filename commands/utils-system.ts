// utils system restart: confirm, broadcast, bring every activated service back, drop the sessions.
import type { CommandSpec } from '../src/cli/command';
import { dateParts } from '../src/clock/dates';

/** "Wed Oct 24 16:14:55 2012", the ctime(3) form wall(1) prints. */
function ctime(d: Date, timeZone: string): string {
  const p = dateParts(d, timeZone);
  return `${p.weekday} ${p.month} ${p.day} ${p.hour}:${p.minute}:${p.second} ${p.year}`;
}

export const systemRestartCommands: CommandSpec[] = [
  {
    path: 'utils system restart',
    privilege: 1,
    description: ['This command restarts the node. Every activated service is started again and the SSH sessions are dropped.'],
    async run(ctx) {
      ctx.line('Do you really want to restart ?');
      if (!(await ctx.confirm('Enter (yes/no)? '))) return;
      ctx.lines(['', `Broadcast message from root (${ctime(ctx.clock.now(), ctx.cluster.timeZone)}):`, '', 'The system is going down for reboot NOW!', 'Waiting .']);
      await ctx.sleep(2000);
      ctx.cluster.services.restartNode(ctx.actor);
      ctx.lines(['', 'Operation succeeded', '', 'restart now.']);
      ctx.session.dropNodeSessions();
    },
  },
];
