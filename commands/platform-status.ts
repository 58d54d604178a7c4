// Everyday health commands: show hardware|timezone|date|process load|diskusage|account|web-security,
// utils diagnose test, utils ntp status, utils dbreplication runtimestate|status, utils core active list.
// Every value comes from the lab: nodes, addresses, version, services, uptime, reachability.
import { CliError, type CommandSpec, type CommandContext } from '../src/cli/command';
import { dateParts, javaDate } from '../src/clock/dates';
import { reachFrom } from '../src/lab/reachability';
import { ACTIVELOG_EVENTS, activeLogFiles, nextDiagLog, recordReport } from '../src/cluster/activelog';
import { requirePublisher } from './common';

/** date(1): "Tue Aug  1 15:10:52 IST 2023" (the day padded to two characters). */
export function unixDate(d: Date, timeZone: string): string {
  const p = dateParts(d, timeZone, 'numeric');
  const zone = javaDate(d, timeZone).split(' ')[4];
  return `${p.weekday} ${p.month} ${p.day.padStart(2)} ${p.hour}:${p.minute}:${p.second} ${zone} ${p.year}`;
}

function utcDate(d: Date): string {
  return unixDate(d, 'UTC');
}

type NodeRow = ReturnType<CommandContext['cluster']['node']>;

function here(ctx: CommandContext): NodeRow {
  return ctx.cluster.node(ctx.session.node);
}

// --- show hardware ----------------------------------------------------------------------------

function showHardware(ctx: CommandContext): void {
  const hw = ctx.cluster.config.hardware;
  const cpuMatch = /^(\d+)\s*vCPU:\s*(.*)$/.exec(hw.cpu);
  const processors = cpuMatch ? cpuMatch[1] : '1';
  const type = cpuMatch ? cpuMatch[2] : hw.cpu;
  const ghz = /@\s*([\d.]+)GHz/.exec(type);
  const diskGb = /(\d+)\s*GB/i.exec(hw.disk)?.[1] ?? '80';
  const serial = [...Buffer.from(here(ctx).ip)].slice(0, 8).map((b) => b.toString(16).padStart(2, '0')).join(' ');
  ctx.lines([
    `HW Platform       : ${hw.platform.startsWith('VMware') ? 'VMware Virtual Machine' : hw.platform}`,
    `Processors        : ${processors}`,
    `Type              : ${type}`,
    `CPU Speed         : ${ghz ? Math.round(Number(ghz[1]) * 1000) : 2400}`,
    `Memory            : ${hw.ramMb} MBytes`,
    'Object ID         : 1.3.6.1.4.1.9.1.1348',
    `OS Version        : UCOS ${ctx.cluster.profile.unifiedOsVersion}.i386`,
    `Serial Number     : VMware-42 ${serial}`,
    '',
    'RAID Version      :',
    'No RAID controller information is available',
    '',
    'BIOS Information  :',
    'PhoenixTechnologiesLTD 6.00 12/12/2018',
    '',
    'RAID Details      :',
    'No RAID information is available',
    '---------------------------------------------------------------------',
    'Physical device information',
    '---------------------------------------------------------------------',
    'Number of Disks  : 1',
    'Hard Disk #1',
    `Size (in GB)    : ${diskGb}`,
    '',
    'Partition Details :',
    '',
    `Disk /dev/sda: ${Number(diskGb) * 1024 * 1024 * 1024} bytes`,
  ]);
}

// --- show process load ---------------------------------------------------------------------

/** The process each running service is, as top(1) names it. */
const PROCESSES: [service: string, command: string, cpu: number, mem: number][] = [
  ['Cisco CallManager', 'ccm', 2.3, 4.1],
  ['Cisco Tomcat', 'tomcat', 1.7, 12.8],
  ['A Cisco DB', 'cmoninit', 1.0, 9.6],
  ['Cisco Tftp', 'ctftp', 0.3, 1.2],
  ['Cisco CTIManager', 'CTIManager', 0.3, 1.0],
  ['Cisco Trust Verification Service', 'tvs', 0.1, 0.4],
  ['Cisco Certificate Authority Proxy Function', 'capf', 0.1, 0.3],
  ['Cisco RIS Data Collector', 'RisDC', 0.7, 2.5],
  ['Service Manager', 'servM', 0.3, 0.6],
  ['System NTP', 'ntpd', 0.0, 0.0],
  ['System SSH', 'sshd', 0.0, 0.1],
];

function uptimeText(ctx: CommandContext): string {
  const mins = Math.max(0, Math.floor((ctx.clock.nowMs() - Date.parse(here(ctx).booted_at)) / 60000));
  const days = Math.floor(mins / 1440);
  const hhmm = `${Math.floor((mins % 1440) / 60)}:${String(mins % 60).padStart(2, '0')}`;
  return days > 0 ? `${days} day${days === 1 ? '' : 's'}, ${hhmm}` : mins < 60 ? `${mins} min` : hhmm;
}

function showProcessLoad(ctx: CommandContext): void {
  const now = ctx.clock.now();
  const p = dateParts(now, ctx.cluster.timeZone);
  const running = PROCESSES.filter(([s]) => ctx.cluster.services.started(ctx.session.node, s));
  const cpu = running.reduce((a, r) => a + r[2], 0);
  const memKb = ctx.cluster.config.hardware.ramMb * 1024;
  const used = Math.round(memKb * 0.69);
  ctx.lines([
    `top - ${p.hour}:${p.minute}:${p.second} up ${uptimeText(ctx)},  1 user,  load average: 0.42, 0.37, 0.33`,
    `Tasks: ${180 + running.length * 3} total,   1 running, ${179 + running.length * 3} sleeping,   0 stopped,   0 zombie`,
    `Cpu(s): ${cpu.toFixed(1).padStart(4)}%us,  1.2%sy,  0.0%ni, ${(100 - cpu - 1.3).toFixed(1)}%id,  0.1%wa,  0.0%hi,  0.0%si,  0.0%st`,
    `Mem:  ${memKb}k total,  ${used}k used,  ${memKb - used}k free,   ${Math.round(memKb * 0.05)}k buffers`,
    '',
    '  PID USER      PR  NI  VIRT  RES  SHR S %CPU %MEM    TIME+  COMMAND',
    ...running.map(([, command, c, m], i) => {
      const pid = String(4000 + i * 137).padStart(5);
      const res = Math.round((memKb * m) / 100 / 1024);
      return `${pid} ${(command === 'sshd' || command === 'ntpd' ? 'root' : 'ccmbase').padEnd(9)} 20   0 ${`${res * 3}m`.padStart(5)} ${`${res}m`.padStart(4)} ${`${Math.max(1, Math.round(res / 8))}m`.padStart(4)} S ${c.toFixed(1).padStart(4)} ${m.toFixed(1).padStart(4)} ${'12:34.56'.padStart(9)} ${command}`;
    }),
  ]);
}

// --- show diskusage activelog --------------------------------------------------------------------

function showDiskusage(ctx: CommandContext): void {
  const files = activeLogFiles(ctx.lab.recentEvents(ACTIVELOG_EVENTS, ctx.cluster.name), ctx.session.node);
  const top = new Map<string, number>();
  for (const f of files) {
    const d = f.path.split('/')[0];
    top.set(d, (top.get(d) ?? 0) + f.content.length);
  }
  const logKb = [...top.values()].reduce((a, b) => a + Math.ceil(b / 1024), 0);
  const total = 62681844;
  const used = 30960820 + logKb;
  ctx.lines([
    'Filesystem            1K-blocks      Used Available Use% Mounted on',
    `/dev/sda6             ${String(total).padStart(9)} ${String(used).padStart(9)} ${String(total - used).padStart(9)} ${`${Math.round((used / total) * 100)}%`.padStart(4)} /common`,
    '',
    ...[...top].sort((a, b) => a[0].localeCompare(b[0])).map(([d, bytes]) => `${String(Math.max(4, Math.ceil(bytes / 1024))).padEnd(8)}/var/log/active/${d}`),
    `${String(Math.max(4, logKb)).padEnd(8)}/var/log/active/`,
  ]);
}

// --- utils diagnose test --------------------------------------------------------------------------

interface NtpView {
  server: string;
  refid: string;
  stratum: number;
  reachable: boolean;
}

/** The publisher keeps time from the lab's NTP server (.3 of its subnet); the other nodes from the publisher. */
function ntpView(ctx: CommandContext): NtpView {
  const pub = ctx.cluster.publisher();
  const node = here(ctx);
  if (node.name === pub.name) {
    const server = pub.ip.split('.').slice(0, 3).concat('3').join('.');
    return { server, refid: '.GPS.', stratum: 2, reachable: ctx.cluster.online };
  }
  const reach = reachFrom(ctx.lab, node.name, pub.ip)!;
  return { server: pub.ip, refid: pub.ip.split('.').slice(0, 3).concat('3').join('.'), stratum: 3, reachable: reach.reachable };
}

function diagnoseRows(ctx: CommandContext): { rows: string[]; failed: number } {
  const ntp = ntpView(ctx);
  const others = ctx.cluster.nodes().filter((n) => n.name !== ctx.session.node);
  const networkOk = others.every((n) => reachFrom(ctx.lab, ctx.session.node, n.ip)!.reachable);
  const tomcat = ctx.cluster.services.started(ctx.session.node, 'Cisco Tomcat');
  const row = (run: 'test' | 'skip', name: string, result: string) => `${run} - ${name.padEnd(20)}: ${result}`;
  const offHours = 'This module must be run directly and off hours';
  const tomcatResult = tomcat ? 'Passed' : 'Failed - Cisco Tomcat is not running';
  const ntpFail = ['Warning The local clock is not synchronised.', 'None of the designated NTP servers are reachable/functioning or legitimate.'];
  const rows = [
    row('test', 'disk_space', 'Passed (available: 6463 MB, used: 12681 MB)'),
    row('skip', 'disk_files', offHours),
    row('test', 'service_manager', 'Passed'),
    ...['tomcat', 'tomcat_deadlocks', 'tomcat_keystore', 'tomcat_connectors', 'tomcat_threads', 'tomcat_memory', 'tomcat_sessions'].map((m) => row('test', m, tomcatResult)),
    row('skip', 'tomcat_heapdump', offHours),
    row('test', 'validate_network', networkOk ? 'Passed' : 'Reverse DNS lookup failed'),
    row('test', 'raid', 'Passed'),
    row('test', 'system_info', 'Passed (Collected system information in diagnostic log)'),
    row('test', 'ntp_reachability', ntp.reachable ? 'Passed' : 'Warning The NTP service is restarting, it can take about 5 minutes.'),
    ...(ntp.reachable ? [row('test', 'ntp_clock_drift', 'Passed')] : [row('test', 'ntp_clock_drift', ntpFail[0]), ntpFail[1]]),
    ...(ntp.reachable ? [row('test', 'ntp_stratum', 'Passed')] : [row('test', 'ntp_stratum', ntpFail[0]), ntpFail[1]]),
    row('skip', 'sdl_fragmentation', offHours),
    row('skip', 'sdi_fragmentation', offHours),
  ];
  const failed = rows.filter((r) => /^test - \S+\s+: (?!Passed)/.test(r)).length;
  return { rows, failed };
}

async function diagnoseTest(ctx: CommandContext): Promise<void> {
  const n = nextDiagLog(ctx.lab.recentEvents(ACTIVELOG_EVENTS, ctx.cluster.name), ctx.session.node);
  const log = `platform/log/diag${n}.log`;
  ctx.lines(['', `Log file: ${log}`, '', 'Starting diagnostic test(s)', '===========================']);
  const { rows, failed } = diagnoseRows(ctx);
  for (const r of rows) {
    await ctx.sleep(500);
    ctx.line(r);
  }
  recordReport(ctx.cluster, ctx.actor, 'diagnose-run', { log: n, passed: rows.filter((r) => r.includes(': Passed')).length, failed, lines: [`${unixDate(ctx.clock.now(), ctx.cluster.timeZone)} utils diagnose test`, ...rows] });
  ctx.lines(['', 'Diagnostics Completed', '', ` The final output will be in Log file: ${log}`, '', ` Please use 'file view activelog ${log}' command to see the output`]);
}

const DIAG_MODULES: [string, string][] = [
  ['disk_space', 'Check available disk space as well as any unusual disk usage'],
  ['disk_files', 'Check for unusual disk usage'],
  ['service_manager', 'Check if service manager is running'],
  ['tomcat', 'Check if Tomcat is deadlocked or not running'],
  ['tomcat_deadlocks', 'Check if Tomcat is deadlocked'],
  ['tomcat_keystore', 'Check the Tomcat keystore'],
  ['tomcat_connectors', 'Check that the Tomcat connectors are working'],
  ['tomcat_threads', 'Check if Tomcat has run out of request handling threads'],
  ['tomcat_memory', 'Check if Tomcat is running low on memory'],
  ['tomcat_sessions', 'Check if Tomcat has run out of sessions'],
  ['tomcat_heapdump', 'Check for Tomcat heap dumps'],
  ['validate_network', 'Validate network settings'],
  ['raid', 'Check the RAID controller and disks'],
  ['system_info', 'Collect system information into the diagnostic log'],
  ['ntp_reachability', 'Check that the NTP servers are reachable'],
  ['ntp_clock_drift', 'Check the local clock drift from the NTP servers'],
  ['ntp_stratum', 'Check the stratum level of the reference clock'],
  ['sdl_fragmentation', 'Check SDL trace file fragmentation'],
  ['sdi_fragmentation', 'Check SDI trace file fragmentation'],
];

// --- utils ntp status ---------------------------------------------------------------------------

/** One peer line of ntpq -p, in the columns of the reference capture. */
export function ntpPeerLine(tally: string, remote: string, refid: string, stratum: number, when: string, poll: string, reach: string, [delay, offset, jitter]: string[]): string {
  return `${tally}${remote.padEnd(15)} ${refid.padEnd(15)} ${String(stratum).padStart(2)} u ${when.padStart(4)} ${poll.padStart(4)} ${reach.padStart(5)} ${delay.padStart(8)} ${offset.padStart(8)} ${jitter.padStart(8)}`;
}

function ntpStatus(ctx: CommandContext): void {
  const v = ntpView(ctx);
  const now = ctx.clock.now();
  const when = String(Math.floor((now.getTime() / 1000) % 64));
  const peer = ntpPeerLine(v.reachable ? '*' : ' ', v.server, v.refid, v.stratum, when, v.reachable ? '64' : '8', v.reachable ? '377' : '0', v.reachable ? ['0.412', '-0.021', '0.064'] : ['0.000', '0.000', '0.000']);
  const pid = 2000 + here(ctx).position * 17;
  ctx.lines([`ntpd (pid ${pid}) is running...`, '', '     remote           refid      st t when poll reach   delay   offset    jitter', '='.repeat(78), peer, '']);
  if (v.reachable) {
    ctx.lines([`synchronised to NTP server (${v.server}) at stratum ${v.stratum + 1}`, '   time correct to within 36 ms', '   polling server every 64 s']);
  } else {
    ctx.lines(['unsynchronised', '   time server re-starting', '   polling server every 8 s']);
  }
  ctx.lines(['', `Current time in UTC is : ${utcDate(now)}`, `Current time in ${ctx.cluster.timeZone} is : ${unixDate(now, ctx.cluster.timeZone)}`]);
}

// --- utils dbreplication -----------------------------------------------------------------------

const TABLES: Record<string, number> = { '10.5': 681, '11.5': 700, '12.5': 731, '14': 742, '15': 753 };

function dbVersion(version: string): string {
  return `ccm${version.replace(/[.-]/g, '_')}`;
}

function stampOf(d: Date, timeZone: string, sep: '-' | '_'): string {
  const p = dateParts(d, timeZone);
  const m = String(new Date(`${p.month} 1, 2000`).getMonth() + 1).padStart(2, '0');
  return [p.year, m, p.day, p.hour, p.minute, ...(sep === '_' ? [p.second] : [])].join(sep);
}

function runtimeState(ctx: CommandContext): void {
  const c = ctx.cluster;
  const nodes = c.nodes();
  if (nodes.length === 1) throw new CliError(['Runtime state cannot be performed on a cluster with a single active node; aborting operation']);
  const now = ctx.clock.now();
  const tables = TABLES[c.profile.release];
  const events = ctx.lab.recentEvents(ACTIVELOG_EVENTS, c.name);
  const status = [...events].reverse().find((e) => e.kind === 'dbreplication-status');
  ctx.lines(['', `Server Time: ${unixDate(now, c.timeZone)}`, '']);
  if (status) {
    const s = status.payload as { stamp: string };
    const started = new Date(status.simTime);
    ctx.lines([
      `Cluster Replication State: Replication status command started at: ${stampOf(started, c.timeZone, '-')}`,
      `     Replication status command COMPLETED ${tables} tables checked out of ${tables}`,
      '     Last Completed Table: devicenumplanmapremdestmap',
      '     No Errors or Mismatches found.',
      '',
      `     Use 'file view activelog cm/trace/dbl/sdi/ReplicationStatus.${s.stamp}.out' to see the details`,
    ]);
  } else {
    // The broadcast sync ran when the cluster was installed.
    const synced = new Date(c.createdAt);
    const [y, mo, d, h, mi, se] = stampOf(synced, c.timeZone, '_').split('_');
    const ts = `${y}${mo}${d}_${h}${mi}${se}`;
    ctx.lines([
      `Cluster Replication State: BROADCAST SYNC ended at: ${stampOf(synced, c.timeZone, '-')}`,
      `     Sync Result: SYNC COMPLETED on ${tables} tables out of ${tables}`,
      '     Sync Status: All Tables are in sync',
      `     Use CLI to see detail: 'file view activelog cm/trace/dbl/${ts}_dbl_repl_output_Broadcast.log'`,
    ]);
  }
  ctx.lines([
    '',
    `DB Version: ${dbVersion(c.version)}`,
    '',
    'Repltimeout set to: 300s',
    'PROCESS option set to: 1',
    '',
    `Cluster Detailed View from ${ctx.session.node} (${nodes.length} Servers):`,
    '',
    '                                           PING      DB/RPC/   REPL.    Replication    REPLICATION SETUP',
    'SERVER-NAME              IP ADDRESS        (msec)    DbMon?    QUEUE    Group ID       (RTMT) & Details',
    '-----------              ----------        ------    -------   -----    -----------    ------------------',
  ]);
  // The other nodes first, this node last, as the reference capture lists them.
  const ordered = [...nodes.filter((n) => n.name !== ctx.session.node), here(ctx)];
  for (const n of ordered) {
    const r = reachFrom(ctx.lab, ctx.session.node, n.ip)!;
    const group = `(g_${n.position + 2})`;
    const cols = r.reachable
      ? [r.rttMs.toFixed(3), 'Y/Y/Y', '0', group, '(2) Setup Completed']
      : ['N/A', 'N/N/N', '--', group, '(3) Connection Lost'];
    ctx.line(`${n.name.padEnd(25)}${n.ip.padEnd(18)}${cols[0].padEnd(10)}${cols[1].padEnd(10)}${cols[2].padEnd(9)}${cols[3].padEnd(15)}${cols[4]}`);
  }
}

function replicationStatus(ctx: CommandContext): void {
  requirePublisher(ctx);
  const c = ctx.cluster;
  const now = ctx.clock.now();
  const stamp = stampOf(now, c.timeZone, '_');
  const file = `cm/trace/dbl/sdi/ReplicationStatus.${stamp}.out`;
  const down = c.nodes().filter((n) => !reachFrom(ctx.lab, ctx.session.node, n.ip)!.reachable);
  const tables = TABLES[c.profile.release];
  recordReport(c, ctx.actor, 'dbreplication-status', {
    stamp,
    lines: [
      `SERVER ID dbver ${dbVersion(c.version)}`,
      `Replication status check on ${c.nodes().length} servers, ${tables} tables`,
      ...c.nodes().map((n) => `${n.name} ${down.includes(n) ? 'not connected: replication is bad' : 'connected: all tables in sync'}`),
      down.length ? `${down.length} server(s) could not be checked` : 'No Errors or Mismatches found.',
    ],
  });
  ctx.lines([
    'Replication status check is now running in background .',
    "Use command 'utils dbreplication runtimestate' to check its progress",
    '',
    `The final output will be in file ${file}`,
    '',
    `Please use "file view activelog ${file} " command to see the output`,
  ]);
}

// --- accounts, web security, time ----------------------------------------------------------------

function showTimezone(ctx: CommandContext, which: string | undefined): void {
  const w = (which ?? 'config').toLowerCase();
  if (w === 'config') {
    ctx.lines([`Current timezone: ${ctx.cluster.timeZone}`, 'Timezone version: 2024a']);
  } else if (w === 'list') {
    const zones = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [ctx.cluster.timeZone];
    ctx.lines(zones.map((z, i) => `${String(i).padStart(3)} - ${z}`));
  } else {
    throw new CliError([`Invalid option: ${which}`]);
  }
}

export const platformStatusCommands: CommandSpec[] = [
  {
    path: 'show hardware',
    privilege: 0,
    description: ['This command displays the hardware of the node: platform, processors, memory, RAID and disks.'],
    async run(ctx) {
      showHardware(ctx);
    },
  },
  {
    path: 'show timezone',
    privilege: 0,
    args: [{ name: 'config|list', describe: 'show the current time zone (config) or every zone (list)', required: false, choices: () => ['config', 'list'] }],
    description: ['This command displays the time zone of the node.'],
    example: ['show timezone config', 'Current timezone: America/New_York', 'Timezone version: 2024a'],
    async run(ctx, args) {
      showTimezone(ctx, args['config|list']);
    },
  },
  {
    path: 'show date',
    privilege: 0,
    description: ['This command displays the date and time of the node.'],
    async run(ctx) {
      ctx.line(unixDate(ctx.clock.now(), ctx.cluster.timeZone));
    },
  },
  {
    path: 'show process load',
    privilege: 0,
    description: ['This command displays the load of the node and its busiest processes.'],
    async run(ctx) {
      showProcessLoad(ctx);
    },
  },
  {
    path: 'show diskusage activelog',
    privilege: 0,
    description: ['This command displays the disk usage of the active log partition.'],
    async run(ctx) {
      showDiskusage(ctx);
    },
  },
  {
    path: 'show account',
    privilege: 4,
    description: ['This command lists the platform CLI accounts, with their privilege levels.'],
    example: ['show account', 'Name = admin, Privilege = 4'],
    async run(ctx) {
      ctx.lines(ctx.cluster.accounts.list().map((u) => `Name = ${u.name}, Privilege = ${u.privilege}`));
    },
  },
  {
    path: 'show web-security',
    privilege: 0,
    description: ['This command displays the subject fields of the web server (tomcat) certificate of this node.'],
    async run(ctx) {
      const s = ctx.cluster.config.certificateSubject;
      const node = here(ctx);
      ctx.lines([
        '-----------------------------------------',
        'Current web security settings:',
        `OrgUnit:  ${s.OU}`,
        `OrgName:  ${s.O}`,
        `Locality: ${s.L}`,
        `State:    ${s.ST}`,
        `Country:  ${s.C}`,
        `Subject Name: CN=${node.fqdn}`,
        '-----------------------------------------',
      ]);
    },
  },
  {
    path: 'utils diagnose test',
    privilege: 1,
    description: ['This command runs every diagnostic module and writes the results to a log file.'],
    async run(ctx) {
      await diagnoseTest(ctx);
    },
  },
  {
    path: 'utils diagnose list',
    privilege: 1,
    description: ['This command lists the diagnostic modules.'],
    async run(ctx) {
      ctx.line('Available diagnostics modules');
      ctx.line('');
      for (const [name, what] of DIAG_MODULES) ctx.line(`${name.padEnd(21)}- ${what}`);
    },
  },
  {
    path: 'utils ntp status',
    privilege: 0,
    description: ['This command displays the NTP peers of the node and whether its clock is synchronised.'],
    async run(ctx) {
      ntpStatus(ctx);
    },
  },
  {
    path: 'utils dbreplication runtimestate',
    privilege: 0,
    description: ['This command displays the database replication state of every node of the cluster.'],
    async run(ctx) {
      runtimeState(ctx);
    },
  },
  {
    path: 'utils dbreplication status',
    privilege: 1,
    description: ['This command starts a replication status check of every table on every node (publisher only).'],
    async run(ctx) {
      replicationStatus(ctx);
    },
  },
  {
    path: 'utils core active list',
    privilege: 1,
    description: ['This command lists the core files of the active partition.'],
    async run(ctx) {
      // The lab models no process crashes, so no core file is ever written.
      ctx.line('No core files found');
    },
  },
  {
    path: 'utils core inactive list',
    privilege: 1,
    description: ['This command lists the core files of the inactive partition.'],
    async run(ctx) {
      ctx.line('No core files found');
    },
  },
];
