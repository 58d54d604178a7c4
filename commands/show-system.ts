// show version, show myself, show status: what the node says about itself.
import type { CommandSpec, CommandContext } from '../src/cli/command';
import { dateParts } from '../src/clock/dates';

/** "Mon Mar 2, 2026 00:36:32" in the cluster's time zone. */
function statusDate(d: Date, timeZone: string): string {
  const p = dateParts(d, timeZone, 'numeric');
  return `${p.weekday} ${p.month} ${p.day}, ${p.year} ${p.hour}:${p.minute}:${p.second}`;
}

function zoneLongName(d: Date, timeZone: string): string {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'long' })
    .formatToParts(d).find((x) => x.type === 'timeZoneName')?.value;
  return `${name ?? timeZone} (${timeZone})`;
}

function clockTime(d: Date, timeZone: string): string {
  const p = dateParts(d, timeZone);
  return `${p.hour}:${p.minute}:${p.second}`;
}

/** The uptime(1) line: " 00:36:33 up 79 days, 12:45,  1 user,  load average: ..." */
function uptimeLine(now: Date, booted: Date, users: number, timeZone: string): string {
  const mins = Math.max(0, Math.floor((now.getTime() - booted.getTime()) / 60000));
  const days = Math.floor(mins / 1440);
  const hhmm = `${Math.floor((mins % 1440) / 60)}:${String(mins % 60).padStart(2, '0')}`;
  const up = days > 0 ? `${days} day${days === 1 ? '' : 's'}, ${hhmm}` : mins < 60 ? `${mins} min` : hhmm;
  return ` ${clockTime(now, timeZone)} up ${up},  ${users} user${users === 1 ? '' : 's'},  load average: 0.42, 0.37, 0.33`;
}

function kb(n: number): string {
  return `${n}K`;
}

async function showStatus(ctx: CommandContext): Promise<void> {
  const c = ctx.cluster;
  const node = c.node(ctx.session.node);
  const now = ctx.clock.now();
  const tz = c.timeZone;
  const total = c.config.hardware.ramMb * 1024 - 199_052;
  const used = Math.round(total * 0.69);
  const free = Math.round(total * 0.025);
  const disk = (size: number, usedPct: number) => {
    const u = Math.round((size * usedPct) / 100);
    return [size, size - u, u, usedPct] as const;
  };
  const row = (name: string, [size, fr, u, pct]: readonly number[]) =>
    `${name.padEnd(14)}${kb(size).padStart(15)}${kb(fr).padStart(16)}${kb(u).padStart(16)} (${pct}%)`;
  ctx.lines([
    '',
    `Host Name          : ${node.name}`,
    `Date               : ${statusDate(now, tz)}`,
    `Time Zone          : ${zoneLongName(now, tz)}`,
    'Locale             : en_US.UTF-8',
    `Product Ver        : ${c.version}`,
    `Unified OS Version : ${c.profile.unifiedOsVersion}`,
    '',
    'Uptime:',
    uptimeLine(now, new Date(node.booted_at), 1, tz),
    '',
    'CPU Idle:   86.43%  System:   04.52%    User:   08.79%',
    '  IOWAIT:   00.13%     IRQ:   00.00%    Soft:   00.13%',
    '',
    `Memory Total:${kb(total).padStart(16)}`,
    `        Free:${kb(free).padStart(16)}`,
    `        Used:${kb(used).padStart(16)}`,
    `      Cached:${kb(Math.round(total * 0.17)).padStart(16)}`,
    `      Shared:${kb(Math.round(total * 0.08)).padStart(16)}`,
    `     Buffers:${kb(total - used - free).padStart(16)}`,
    '',
    '                        Total            Free            Used',
    row('Disk/active', disk(17921776, 78)),
    row('Disk/inactive', disk(17921776, 1)),
    row('Disk/logging', disk(62681844, 53)),
  ]);
}

export const systemCommands: CommandSpec[] = [
  {
    path: 'show version active',
    privilege: 0,
    description: ['This command displays the software version on the active partition.'],
    example: ['show version active', 'Active Master Version: 14.0.1.13900-155'],
    async run(ctx) {
      ctx.lines([`Active Master Version: ${ctx.cluster.version}`, 'Active Version Installed Software Options:', '  No Installed Software Options Found.']);
    },
  },
  {
    path: 'show version inactive',
    privilege: 0,
    description: ['This command displays the software version on the inactive partition.'],
    async run(ctx) {
      const inactive = ctx.cluster.config.inactiveVersion;
      if (!inactive) ctx.lines(['', '   ** There is no inactive side available **']);
      else ctx.lines([`Inactive Master Version: ${inactive}`, 'Inactive Version Installed Software Options:', '  No Installed Software Options Found.']);
    },
  },
  {
    path: 'show myself',
    privilege: 0,
    description: ['This command displays information about the current account.'],
    async run(ctx) {
      ctx.lines([
        `Machine Name    : ${ctx.session.node}`,
        `account name    : ${ctx.session.user}`,
        `privilege level : ${ctx.session.privilege}`,
        'command count   : disabled',
        'logging setting : disabled',
      ]);
    },
  },
  {
    path: 'show status',
    privilege: 0,
    description: ['This command displays basic platform status: host name, date, time zone, locale, versions,', 'uptime, CPU, memory and disk usage.'],
    run: showStatus,
  },
];
