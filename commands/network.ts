// show network cluster|eth0|ipprefs, utils network ping|host, show tech network hosts, show open ports:
// what the node knows of the lab's network, from the lab's nodes and addresses.
import { CliError, type CommandSpec, type CommandContext } from '../src/cli/command';
import { dateParts } from '../src/clock/dates';
import { reachFrom } from '../src/lab/reachability';

/** "Thu Oct 28 11:27:36 2021" with a single space before a one-digit day, as LOGCOL shows it. */
function sinceDate(d: Date, timeZone: string): string {
  const p = dateParts(d, timeZone, 'numeric');
  return `${p.weekday} ${p.month} ${p.day} ${p.hour}:${p.minute}:${p.second} ${p.year}`;
}

const MASK = '255.255.255.000';
/** The lab has /24 subnets: the gateway is .1 and the DNS server .2 of the node's subnet. */
function subnetHost(ip: string, last: number): string {
  return ip.split('.').slice(0, 3).concat(String(last)).join('.');
}

type NodeRow = ReturnType<CommandContext['cluster']['node']>;

function localNode(ctx: CommandContext): NodeRow {
  return ctx.cluster.node(ctx.session.node);
}

function showNetworkCluster(ctx: CommandContext): void {
  const c = ctx.cluster;
  const here = ctx.session.node;
  const hereBooted = Date.parse(localNode(ctx).booted_at);
  for (const n of c.nodes()) {
    const role = n.role === 'publisher' ? 'Publisher' : 'Subscriber';
    const db = n.role === 'publisher' ? 'DBPub' : 'DBSub';
    const head = `${n.ip} ${n.fqdn} ${n.name} ${role} callmanager ${db}`;
    if (n.name === here) {
      ctx.line(`${head} authenticated`);
      continue;
    }
    const reach = reachFrom(ctx.lab, here, n.ip)!;
    if (!reach.reachable) ctx.line(`${head} not authenticated`);
    else ctx.line(`${head} authenticated using TCP since ${sinceDate(new Date(Math.max(hereBooted, Date.parse(n.booted_at))), c.timeZone)}`);
  }
  if (c.isPublisher(here)) {
    ctx.lines(['', 'Server Table (processnode) Entries', '----------------------------------', ...c.nodes().map((n) => n.fqdn)]);
  }
}

function showEth0(ctx: CommandContext, detail: boolean): void {
  const n = localNode(ctx);
  const pad = (s: string, w: number) => s.padEnd(w);
  ctx.lines([
    'Ethernet 0',
    `DHCP         : ${pad('disabled', 15)}Status      : up`,
    `IP Address   : ${pad(n.ip, 15)}IP Mask     : ${MASK}`,
    `Link Detected: ${pad('yes', 15)}Mode        : Auto disabled, Full, 1000 Mbits/s`,
    'Duplicate IP : no',
    '',
    'DNS',
    `Primary  : ${pad(subnetHost(n.ip, 2), 19)}Secondary   : Not Configured`,
    'Options  : timeout:5 attempts:2',
    `Domain   : ${ctx.cluster.config.domain}`,
    `Gateway  : ${subnetHost(n.ip, 1)} on Ethernet 0`,
  ]);
  if (!detail) return;
  // Interface counters grow with the node's uptime, so two runs a minute apart differ as on a live node.
  const upS = Math.max(0, Math.floor((ctx.clock.nowMs() - Date.parse(n.booted_at)) / 1000));
  const rx = 1_000_000 + upS * 212;
  const tx = 800_000 + upS * 187;
  ctx.lines([
    '',
    'Extended Information',
    '',
    `RX packets:${rx} errors:0 dropped:0 overruns:0 frame:0`,
    `TX packets:${tx} errors:0 dropped:0 overruns:0 carrier:0`,
    'collisions:0 txqueuelen:1000',
    `RX bytes:${rx * 412} TX bytes:${tx * 389}`,
  ]);
}

interface PortRule {
  application: string;
  protocol: 'tcp' | 'udp';
  port: number;
  service: string | null;
  description: string;
}

/** Which ports a running service listens on (null: the platform, always). */
const PORTS: PortRule[] = [
  { application: 'sshd', protocol: 'tcp', port: 22, service: null, description: 'sftp and ssh access' },
  { application: 'tftp', protocol: 'udp', port: 69, service: 'Cisco Tftp', description: 'Cisco TFTP service' },
  { application: 'tftp', protocol: 'tcp', port: 6970, service: 'Cisco Tftp', description: 'Cisco TFTP service (HTTP)' },
  { application: 'tftp', protocol: 'tcp', port: 6971, service: 'Cisco Tftp', description: 'Cisco TFTP service (HTTPS)' },
  { application: 'tftp', protocol: 'tcp', port: 6972, service: 'Cisco Tftp', description: 'Cisco TFTP service (HTTPS)' },
  { application: 'ccm', protocol: 'tcp', port: 2000, service: 'Cisco CallManager', description: 'SCCP-SIG' },
  { application: 'ccm', protocol: 'tcp', port: 2443, service: 'Cisco CallManager', description: 'SCCP-SIG secure' },
  { application: 'ccm', protocol: 'tcp', port: 5060, service: 'Cisco CallManager', description: 'SIP-SIG' },
  { application: 'ccm', protocol: 'tcp', port: 5061, service: 'Cisco CallManager', description: 'SIP-SIG secure' },
  { application: 'ctimgr', protocol: 'tcp', port: 2748, service: 'Cisco CTIManager', description: 'CTI' },
  { application: 'tvs', protocol: 'tcp', port: 2445, service: 'Cisco Trust Verification Service', description: 'Trust Verification Service' },
  { application: 'capf', protocol: 'tcp', port: 3804, service: 'Cisco Certificate Authority Proxy Function', description: 'CAPF' },
  { application: 'ctlprovider', protocol: 'tcp', port: 2444, service: 'Cisco CTL Provider', description: 'CTL Provider' },
  { application: 'tomcat', protocol: 'tcp', port: 8443, service: 'Cisco Tomcat', description: 'secure web access' },
  { application: 'tomcat', protocol: 'tcp', port: 8080, service: 'Cisco Tomcat', description: 'web access' },
  { application: 'drf', protocol: 'tcp', port: 4040, service: 'Cisco DRF Master', description: 'DRF master agent' },
  { application: 'ntpd', protocol: 'udp', port: 123, service: 'System NTP', description: 'network time sync' },
];

function openRules(ctx: CommandContext): PortRule[] {
  const node = ctx.session.node;
  return PORTS.filter((r) => r.service === null || ctx.cluster.services.started(node, r.service));
}

function showIpprefs(ctx: CommandContext): void {
  const rows = PORTS.filter((r) => r.service === null || ctx.cluster.services.activated(ctx.session.node, r.service));
  const cols = [13, 13, 11, 12, 12, 10];
  const line = (v: string[]) => v.map((x, i) => (i < cols.length ? x.padEnd(cols[i]) : x)).join('');
  ctx.line(line(['Application', 'IPProtocol', 'PortValue', 'Type', 'XlatedPort', 'Status', 'Description']));
  ctx.line(line(['-----------', '----------', '---------', '----------', '----------', '------', '-----------']));
  for (const r of rows) {
    const running = r.service === null || ctx.cluster.services.started(ctx.session.node, r.service);
    const type = r.port === 8443 ? 'translated' : 'public';
    ctx.line(line([r.application, r.protocol, String(r.port), type, r.port === 8443 ? '443' : '-', running ? 'enabled' : 'disabled', r.description]));
  }
}

function showOpenPorts(ctx: CommandContext): void {
  const ip = localNode(ctx).ip;
  ctx.line('Proto Local Address          Foreign Address        State       Program');
  for (const r of openRules(ctx)) {
    const local = `${r.protocol === 'udp' || r.port === 22 ? '0.0.0.0' : ip}:${r.port}`;
    ctx.line(`${r.protocol.padEnd(6)}${local.padEnd(23)}${'0.0.0.0:*'.padEnd(23)}${(r.protocol === 'tcp' ? 'LISTEN' : '').padEnd(12)}${r.application}`);
  }
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/;

async function ping(ctx: CommandContext, target: string, countText: string | undefined): Promise<void> {
  const count = countText === undefined ? 4 : Number(countText);
  if (!Number.isInteger(count) || count < 1 || count > 1000) throw new CliError(['The count must be a number from 1 to 1000.']);
  const isIp = IPV4.test(target) && target.split('.').every((o) => Number(o) <= 255);
  if (!isIp && !HOSTNAME.test(target)) throw new CliError([`ping: unknown host ${target}`]);
  const here = localNode(ctx);
  const reach = reachFrom(ctx.lab, here.name, target);
  if (!reach && !isIp) {
    ctx.line(`ping: unknown host ${target}`);
    return;
  }
  const ip = reach ? reach.host.node.ip : target;
  const label = reach && !isIp ? `${reach.host.node.fqdn} (${ip})` : ip;
  ctx.line(`PING ${isIp ? ip : reach!.host.node.fqdn} (${ip}) 56(84) bytes of data.`);
  const times: number[] = [];
  for (let i = 1; i <= count; i++) {
    if (i > 1) await ctx.sleep(1000);
    if (reach?.reachable) {
      const t = Math.round((reach.rttMs + ((i * 37) % 11) / 1000) * 1000) / 1000;
      times.push(t);
      ctx.line(`64 bytes from ${label}: icmp_seq=${i} ttl=64 time=${t.toFixed(3)} ms`);
    } else if (i % 3 === 1 || i === count) {
      // iputils reports an unanswered ARP every third probe.
      ctx.line(`From ${here.ip} icmp_seq=${i} Destination Host Unreachable`);
    }
  }
  const elapsed = (count - 1) * 1000 + (reach?.reachable ? 2 : 3);
  ctx.lines(['', `--- ${isIp ? ip : reach!.host.node.fqdn} ping statistics ---`]);
  if (times.length) {
    const min = Math.min(...times);
    const max = Math.max(...times);
    const avg = times.reduce((a, b) => a + b, 0) / times.length;
    const mdev = Math.sqrt(times.reduce((a, b) => a + (b - avg) ** 2, 0) / times.length);
    ctx.lines([
      `${count} packets transmitted, ${count} received, 0% packet loss, time ${elapsed}ms`,
      `rtt min/avg/max/mdev = ${min.toFixed(3)}/${avg.toFixed(3)}/${max.toFixed(3)}/${mdev.toFixed(3)} ms`,
    ]);
  } else {
    ctx.line(`${count} packets transmitted, 0 received, +${count} errors, 100% packet loss, time ${elapsed}ms`);
  }
}

function host(ctx: CommandContext, name: string): void {
  const isIp = IPV4.test(name);
  if (!isIp && !HOSTNAME.test(name)) throw new CliError([`Invalid host name: ${name}`]);
  const found = ctx.lab.network.resolve(name);
  const ownCluster = found?.cluster === ctx.cluster;
  ctx.line('Local Resolution:');
  // /etc/hosts holds this cluster's nodes; DNS knows every node of the lab.
  if (found && ownCluster) {
    ctx.line(isIp ? `${name} resolves locally to ${found.node.fqdn}` : `${found.node.fqdn} resolves locally to ${found.node.ip}`);
  } else {
    ctx.line(`${name} does not resolve locally`);
  }
  ctx.lines(['', 'External Resolution:']);
  if (!found) {
    ctx.line(isIp ? 'No external servers found' : `Host ${name} not found: 3(NXDOMAIN)`);
  } else if (isIp) {
    ctx.line(`${name.split('.').reverse().join('.')}.in-addr.arpa domain name pointer ${found.node.fqdn.toLowerCase()}.`);
  } else {
    ctx.line(`${found.node.fqdn} has address ${found.node.ip}`);
  }
}

function techNetworkHosts(ctx: CommandContext): void {
  ctx.lines([
    '-------------------- show platform network --------------------',
    '',
    '/etc/hosts File:',
    '#This file was generated by the /etc/hosts cluster manager.',
    '#It is automatically updated as nodes are added, changed, removed from the cluster.',
    '',
    '127.0.0.1 localhost',
    ...ctx.cluster.nodes().map((n) => `${n.ip} ${n.fqdn} ${n.name}`),
  ]);
}

export const networkCommands: CommandSpec[] = [
  {
    path: 'show network cluster',
    privilege: 0,
    description: ['This command displays the nodes of the cluster: address, host name, role and database', 'replication authentication; on the publisher also the Server Table (processnode) entries.'],
    async run(ctx) {
      showNetworkCluster(ctx);
    },
  },
  {
    path: 'show network eth0',
    privilege: 0,
    args: [{ name: 'detail', describe: 'also show interface statistics', required: false, choices: () => ['detail'] }],
    description: ['This command displays the Ethernet 0 settings of this node: address, mask, link, DNS and gateway.'],
    example: ['show network eth0 detail'],
    async run(ctx, args) {
      if (args.detail !== undefined && args.detail.toLowerCase() !== 'detail') throw new CliError([`Invalid option: ${args.detail}`]);
      showEth0(ctx, args.detail !== undefined);
    },
  },
  {
    path: 'show network ipprefs all',
    privilege: 0,
    description: ['This command displays the ports the node opens in its firewall, by application.'],
    async run(ctx) {
      showIpprefs(ctx);
    },
  },
  {
    path: 'show open ports',
    privilege: 0,
    description: ['This command displays the ports that are open on this node, by program.'],
    async run(ctx) {
      showOpenPorts(ctx);
    },
  },
  {
    path: 'show tech network hosts',
    privilege: 0,
    description: ['This command displays the /etc/hosts file of this node.'],
    async run(ctx) {
      techNetworkHosts(ctx);
    },
  },
  {
    path: 'utils network ping',
    privilege: 0,
    args: [
      { name: 'destination', describe: 'host name or IP address to ping', required: true },
      { name: 'count', describe: 'number of packets (default 4)', required: false },
    ],
    description: ['This command sends ICMP echo requests to another host.'],
    example: ['utils network ping 10.10.10.12 2'],
    async run(ctx, args) {
      await ping(ctx, args.destination, args.count);
    },
  },
  {
    path: 'utils network connectivity',
    privilege: 0,
    args: [{ name: 'reset|ip', describe: 'the node to test (default: the publisher)', required: false }],
    description: ['This command checks that this node can reach another node of the cluster (by default the publisher).'],
    async run(ctx, args) {
      const target = args['reset|ip'] ?? ctx.cluster.publisher().ip;
      ctx.line('This command can take up to 3 minutes to complete.');
      if (!(await ctx.confirm('Continue (y/n)?'))) return;
      ctx.line('Running test, please wait ...');
      const reach = reachFrom(ctx.lab, ctx.session.node, target);
      for (let i = 0; i < 5; i++) {
        await ctx.sleep(1000);
        ctx.line('.');
      }
      if (!reach?.reachable) throw new CliError([`Network connectivity test with ${target} failed .`]);
      ctx.line(`Network connectivity test with ${reach.host.node.ip} completed successfully .`);
    },
  },
  {
    path: 'utils network host',
    privilege: 0,
    args: [{ name: 'hostname', describe: 'host name or IP address to resolve', required: true }],
    description: ['This command resolves a host name or an IP address, locally (/etc/hosts) and through DNS.'],
    async run(ctx, args) {
      host(ctx, args.hostname);
    },
  },
];
