// sim enterprise-parameter ..., sim clock ...: the GUI's Enterprise Parameters page and the lab clock.
import { CliError, type CommandSpec, type CommandContext } from '../src/cli/command';
import { ENTERPRISE_PARAMETERS } from '../src/cluster/cluster';
import { javaDate } from '../src/pki';

const BOOLEAN = new Set(['Prepare Cluster for Rollback to pre-8.0', 'Auto-registration']);
const ROLLBACK = 'Prepare Cluster for Rollback to pre-8.0';
const CHOICES: Record<string, string[]> = {
  'Phone Interaction on Certificate Update': ['Reset Phones Automatically', 'Reset Phones Manually'],
};

/** "90s", "5m", "2h", "1d" or a combination such as "1h30m" → milliseconds. */
export function parseDuration(text: string): number | null {
  if (text.length > 64) return null;
  const parts = [...text.toLowerCase().matchAll(/(\d{1,12})\s*([smhd])/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== text.toLowerCase().replace(/\s+/g, '')) return null;
  const unit = { s: 1000, m: 60000, h: 3600000, d: 86400000 } as const;
  return parts.reduce((ms, p) => ms + Number(p[1]) * unit[p[2] as keyof typeof unit], 0);
}

/** The Reset button: every device resets. */
function resetDevices(ctx: CommandContext): void {
  const n = ctx.fleet.reset(ctx.actor, 'all');
  ctx.line(`${n} devices are being reset.`);
}

export const simClusterCommands: CommandSpec[] = [
  {
    path: 'sim enterprise-parameter show',
    privilege: 0,
    description: ['Shows the enterprise parameters the simulator models (System > Enterprise Parameters).'],
    async run(ctx) {
      // The values in effect: an empty URL shows what the phones' configuration files get instead.
      for (const name of ctx.cluster.settings.enterpriseParameterNames()) {
        ctx.line(`${name.padEnd(42)}: ${ctx.cluster.settings.effectiveEnterpriseParameter(name)}`);
      }
    },
  },
  {
    path: 'sim enterprise-parameter set',
    privilege: 1,
    args: [{ name: 'name-and-value', describe: 'the parameter name then its value (True/False, a URL, or default)', required: true, rest: true }],
    description: [
      'Sets an enterprise parameter. On 10.5 and later, changing Prepare Cluster for Rollback to pre-8.0',
      'resets every phone, as CM Administration does.',
    ],
    example: ['sim enterprise-parameter set Prepare Cluster for Rollback to pre-8.0 True'],
    async run(ctx, args) {
      const text = args['name-and-value'];
      const names = ctx.cluster.settings.enterpriseParameterNames();
      const name = names.find((n) => text.toLowerCase().startsWith(n.toLowerCase() + ' '));
      if (!name) throw new CliError([`Unknown parameter in "${text}". Parameters: ${names.join(', ')}`]);
      let value = text.slice(name.length).trim();
      if (value.toLowerCase() === 'default') value = ENTERPRISE_PARAMETERS[name];
      if (BOOLEAN.has(name)) {
        const b = value.toLowerCase();
        if (b !== 'true' && b !== 'false') throw new CliError([`${name} takes True or False.`]);
        value = b === 'true' ? 'True' : 'False';
      } else if (CHOICES[name]) {
        const choice = CHOICES[name].find((c) => c.toLowerCase() === value.toLowerCase());
        if (!choice) throw new CliError([`${name} takes ${CHOICES[name].join(' or ')}.`]);
        value = choice;
      } else if (value && !/^https?:\/\/[^\s/:]+(:\d{1,5})?\/\S*$/.test(value)) {
        // http:// too: the rollback procedure (steps 6-7) moves the directories to http on 8080.
        throw new CliError([`${name} must be an http or https URL, e.g. https://cucm-pub.example.com:8443/cucm-uds/users`]);
      }
      const before = ctx.cluster.settings.enterpriseParameter(name);
      ctx.cluster.settings.setEnterpriseParameter(ctx.actor, name, value);
      ctx.line(`${name} = ${value || '(default)'}`);
      if (name === ROLLBACK && before !== value) resetDevices(ctx);
    },
  },
  {
    path: 'sim enterprise-parameter reset-devices',
    privilege: 1,
    description: ['The Reset button of the Enterprise Parameters page: every device resets.'],
    run: async (ctx) => resetDevices(ctx),
  },
  {
    path: 'sim clock show',
    privilege: 0,
    description: ['Shows the simulated time and how far it runs ahead of the wall clock.'],
    async run(ctx) {
      ctx.lines([`Simulated time : ${javaDate(ctx.clock.now(), ctx.cluster.timeZone)}`, `Ahead of wall  : ${Math.round(ctx.clock.offset / 1000)} s`, `Time scale     : ${ctx.clock.timeScale}`]);
    },
  },
  {
    path: 'sim clock advance',
    privilege: 1,
    args: [{ name: 'duration', describe: 'e.g. 90s, 5m, 2h, 1d or 1h30m', required: true, rest: true }],
    description: ['Moves the simulated clock forward; phone reboots that fall due complete.'],
    async run(ctx, args) {
      const ms = parseDuration(args.duration);
      if (ms === null || ms <= 0) throw new CliError([`Invalid duration ${args.duration.length > 32 ? `${args.duration.slice(0, 32)}...` : args.duration}: use e.g. 90s, 5m, 2h, 1d`]);
      ctx.lab.advanceClock(ctx.cluster, ctx.actor, ms);
      ctx.line(`Simulated time : ${javaDate(ctx.clock.now(), ctx.cluster.timeZone)}`);
    },
  },
];
