// quit, exit, help, and the per-session pagination switch.
import { CliError, type CommandSpec } from '../src/cli/command';

const end: CommandSpec['run'] = async (ctx) => ctx.session.end();

export const sessionCommands: CommandSpec[] = [
  {
    path: 'quit',
    privilege: 0,
    description: ['This command terminates the CLI session; a remote session is logged off and the ssh session dropped.'],
    run: end,
  },
  {
    path: 'exit',
    privilege: 0,
    description: ['This command terminates the CLI session.'],
    run: end,
  },
  {
    path: 'help',
    privilege: 0,
    args: [{ name: 'command', describe: 'the command to describe', required: false, rest: true }],
    description: ['This command displays help for a command.'],
    example: ['help show myself'],
    async run(ctx, args) {
      const text = ctx.session.helpFor(args.command ?? '');
      if (!text) throw new CliError(['No valid command entered']);
      ctx.lines(text);
    },
  },
  {
    path: 'set cli pagination',
    privilege: 1,
    args: [{ name: 'mode', describe: 'on|off', required: true, choices: () => ['on', 'off'] }],
    description: ['This command turns automatic pagination on or off for the current CLI session.'],
    example: ['set cli pagination off', 'Automatic pagination is turned off'],
    async run(ctx, args) {
      const mode = args.mode.toLowerCase();
      if (mode !== 'on' && mode !== 'off') throw new CliError([`Invalid value "${args.mode}": enter on or off`]);
      ctx.session.pagination = mode === 'on';
      ctx.line(`Automatic pagination is turned ${mode}`);
    },
  },
  {
    path: 'set cli session timeout',
    privilege: 1,
    args: [{ name: 'minutes', describe: 'idle minutes before a CLI session is logged off, 5-99999', required: true }],
    description: [
      'This command sets the time, in minutes, after which an idle CLI session is logged off. The new value',
      'becomes effective for new CLI sessions; active sessions retain their original timeout value.',
    ],
    example: ['set cli session timeout 60'],
    async run(ctx, args) {
      const minutes = Number(args.minutes);
      if (!/^\d+$/.test(args.minutes) || minutes < 5 || minutes > 99999) throw new CliError(['Value range: 5-99999 minutes']);
      ctx.line('The new timeout takes effect for new CLI sessions; sessions already open keep their timeout.');
      if (!(await ctx.confirm('Continue (y/n)?'))) return;
      ctx.cluster.settings.setCliSessionTimeout(ctx.actor, minutes);
      ctx.line(`CLI session timeout is set to ${minutes} minutes.`);
    },
  },
  {
    path: 'show cli session timeout',
    privilege: 0,
    description: ['This command shows the CLI session timeout that new CLI sessions get (30 minutes by default).'],
    async run(ctx) {
      ctx.line(`CLI session timeout is set to ${ctx.cluster.settings.cliSessionTimeout} minutes.`);
    },
  },
  {
    path: 'show cli pagination',
    privilege: 0,
    description: ['This command shows the status of automatic CLI pagination for the current session.'],
    example: ['show cli pagination', 'Automatic Pagination : Off.'],
    async run(ctx) {
      ctx.line(`Automatic Pagination : ${ctx.session.pagination ? 'On' : 'Off'}.`);
    },
  },
];
