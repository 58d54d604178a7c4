// sim phone ...: what an admin does on the phone itself or with its Reset button in CM Administration.
import { CliError, type CommandSpec, type CommandContext } from '../src/cli/command';
import { parseTrustList, md5Hex, TlvFormatError, Role } from '../src/tlv';
import { readPhoneConfig } from '../src/phones/config-file';
import { phoneModel, phoneModels, FEATURES as FEATURE_NAMES } from '../src/phones/models';
import type { PhoneRow } from '../src/phones/phone';
import { javaDate } from '../src/pki';

/**
 * The CallManager certificate a phone checks TLS to CallManager and HTTPS configuration download (6971)
 * against: an ECDSA-capable phone uses the CallManager-ECDSA of its ITL when the ITL carries one.
 */
function serverCertificate(p: PhoneRow, itl: Buffer | null): string {
  // A model that left etc/phone-models.yaml still shows.
  const model = phoneModels().get(p.model);
  if (!model?.sbd || !itl) return '-';
  let ec = false;
  try {
    ec = parseTrustList(itl).records.some((r) => (r.role === Role.TFTP || r.role === Role.CCM_TFTP) && r.publicKey?.[0] === 4 && r.publicKey.length <= 133);
  } catch (e) {
    if (!(e instanceof TlvFormatError)) throw e;
  }
  return model.ec && ec ? 'CallManager-ECDSA (EC, from the ITL)' : 'CallManager (RSA, from the ITL)';
}

const REG_TEXT = { reg: 'Registered', unr: 'Unregistered', rej: 'Rejected' } as const;

const phoneArg = (all: boolean) => ({
  name: 'name', describe: all ? 'device name, or all' : 'device name, e.g. SEP00AA00000001', required: true,
  choices: (c: { fleet: CommandContext['fleet'] }) => [...(all ? ['all'] : []), ...c.fleet.phones().map((p) => p.name)],
});

function registration(ctx: CommandContext, p: PhoneRow): string {
  if (p.reboot_until) return `Rebooting (until ${javaDate(new Date(p.reboot_until), ctx.cluster.timeZone)})`;
  return p.reg_node && p.reg_state !== 'unr' ? `${REG_TEXT[p.reg_state]} (${p.reg_node})` : REG_TEXT[p.reg_state];
}

/** The signer CN of an installed trust list, as Settings > Security > Trust List names it. */
function signer(file: Buffer | null): string {
  if (!file) return 'Not Installed';
  try {
    const cn = /CN=([^;]*)/.exec(parseTrustList(file).header.signerName)?.[1] ?? '?';
    return `${md5Hex(file)} (signed by ${cn})`;
  } catch (e) {
    if (e instanceof TlvFormatError) return `${md5Hex(file)} (unreadable)`;
    throw e;
  }
}

export const simPhoneCommands: CommandSpec[] = [
  {
    path: 'sim phone list',
    privilege: 0,
    args: [{ name: 'filter', describe: 'only phones whose name, model, pool, state or status contains this text', required: false, rest: true }],
    description: ['Lists the phones of the cluster with their registration and the trust list they hold.'],
    async run(ctx, args) {
      const f = (args.filter ?? '').toLowerCase();
      const state = (p: PhoneRow) => (p.reboot_until ? 'Rebooting' : REG_TEXT[p.reg_state]);
      const rows = ctx.fleet.phones().filter((p) => !f || [p.name, p.model, p.device_pool, p.reg_state, state(p), p.status].some((x) => x.toLowerCase().includes(f)));
      ctx.line(`${'Device Name'.padEnd(17)}${'Model'.padEnd(9)}${'Pool'.padEnd(11)}${'State'.padEnd(14)}${'Node'.padEnd(11)}Status`);
      for (const p of rows) {
        ctx.line(`${p.name.padEnd(17)}${p.model.padEnd(9)}${p.device_pool.padEnd(11)}${state(p).padEnd(14)}${(p.reg_node ?? '-').padEnd(11)}${p.status}`);
      }
      ctx.line(`Total: ${rows.length}`);
    },
  },
  {
    path: 'sim phone show',
    privilege: 0,
    args: [phoneArg(false)],
    description: ['Shows a phone as its Settings > Security > Trust List and status screens do.'],
    async run(ctx, args) {
      const p = ctx.fleet.phone(args.name);
      const t = ctx.fleet.installed(p);
      const cfg = t.config ? readPhoneConfig(t.config.toString('utf8')) : null;
      ctx.lines([
        `Device Name     : ${p.name}`,
        `Model           : ${p.model}`,
        `Device Pool     : ${p.device_pool}`,
        `Cluster         : ${p.cluster}`,
        `TFTP Server     : ${ctx.fleet.tftpServers(p).map((t) => `${t.address} (${t.node ? `${t.node}, cluster ${t.cluster}` : 'unknown'}${t.answers ? '' : ', not answering'})`).join(', ') || '-'}`,
        `Registration    : ${registration(ctx, p)}`,
        `Status          : ${p.status}`,
        `CTL File        : ${signer(t.ctl)}`,
        `ITL File        : ${signer(t.itl)}`,
        `Config File     : ${t.config ? `${p.name}.cnf.xml (version ${md5Hex(t.config).slice(0, 8)})` : 'None'}`,
        `Contact Search  : ${cfg ? `${cfg.secureDirUrl} (authentication ${cfg.contactSearchAuth ? 'on' : 'off'})` : '-'}`,
        `Services        : ${cfg?.secureServicesUrl || '-'}`,
        `CallManager Cert: ${serverCertificate(p, t.itl)}`,
      ]);
      const why = ctx.fleet.lockedOut(p);
      if (why) ctx.line(`Locked Out      : ${why}`);
    },
  },
  {
    path: 'sim phone reset',
    privilege: 1,
    args: [phoneArg(true)],
    description: ['Resets a phone, or all phones: they unregister, boot, fetch CTL, ITL and configuration again.'],
    async run(ctx, args) {
      const n = ctx.fleet.reset(ctx.actor, args.name);
      ctx.line(`${n} device${n === 1 ? '' : 's'} reset`);
    },
  },
  {
    path: 'sim phone delete-trust-list',
    privilege: 1,
    args: [phoneArg(true)],
    description: ['Erases the CTL and ITL files on a phone (Settings > Security > Trust List), and the phone reboots.', 'This is the manual last resort for a locked-out phone.'],
    async run(ctx, args) {
      const n = ctx.fleet.deleteTrustList(ctx.actor, args.name);
      ctx.line(`Erasing CTL and ITL files on ${n} device${n === 1 ? '' : 's'}`);
    },
  },
  {
    path: 'sim phone search-directory',
    privilege: 0,
    args: [phoneArg(false), { name: 'query', describe: 'the name to look for', required: true, rest: true }],
    description: ['Searches the corporate directory from a phone, over the UDS URL its configuration gives.'],
    async run(ctx, args) {
      const r = ctx.fleet.searchDirectory(args.name, args.query);
      ctx.lines([`URL: ${r.url}`, `Authenticated: ${r.authenticated ? 'yes' : 'no'}`]);
      if (r.error) throw new CliError([r.error]);
      ctx.lines([...r.results, `${r.results.length} match${r.results.length === 1 ? '' : 'es'}`]);
    },
  },
  {
    path: 'sim phone services',
    privilege: 0,
    args: [phoneArg(false)],
    description: ['Presses the Services button of a phone: it opens the Secured Services URL over HTTPS.'],
    async run(ctx, args) {
      const r = ctx.fleet.openServices(args.name);
      ctx.line(`URL: ${r.url}`);
      if (r.error) throw new CliError([r.error]);
      ctx.line('Services menu loaded');
    },
  },
  {
    path: 'sim phone set-tftp',
    privilege: 1,
    args: [
      { name: 'which', describe: 'a device name, a device pool, or all', required: true, choices: (c) => ['all', ...new Set(c.fleet.phones().map((p) => p.device_pool))] },
      { name: 'nodes', describe: 'TFTP nodes, comma-separated (DHCP option 150), e.g. new-pub,new-sub1', required: true },
    ],
    description: ['Stands for DHCP option 150: the phones boot from these TFTP nodes (any cluster of the lab)', 'from their next reset, and download that node\'s ITL and CTL.'],
    example: ['sim phone set-tftp all new-pub,new-sub1'],
    async run(ctx, args) {
      const r = ctx.fleet.setTftp(ctx.actor, args.which, args.nodes);
      ctx.line(`${r.phones} device${r.phones === 1 ? '' : 's'} now use TFTP ${r.tftp} (from the next reset)`);
    },
  },
  {
    path: 'sim phone copy',
    privilege: 1,
    args: [
      { name: 'which', describe: 'a device name, a device pool, or all', required: true, choices: (c) => ['all', ...new Set(c.fleet.phones().map((p) => p.device_pool))] },
      { name: 'cluster', describe: 'the destination cluster', required: true, choices: (c) => c.clusterNames() },
    ],
    description: ['Stands for a BAT export of the device records here and their import on another cluster:', 'that cluster\'s database knows the devices from now on (same device pool name, else its first).'],
    example: ['sim phone copy all new'],
    async run(ctx, args) {
      const r = ctx.fleet.copyTo(ctx.actor, args.which, ctx.lab.cluster(args.cluster));
      ctx.line(`${r.phones} device${r.phones === 1 ? '' : 's'} copied to cluster ${args.cluster} (device pool ${r.pools.join(', ') || '-'})`);
    },
  },
  {
    path: 'sim report itl-file-status',
    privilege: 0,
    description: ['The ITL File Status report: whether each phone holds the ITL its TFTP node serves now', '(Match, MisMatch, Not Installed; Unknown for phones that do not report).'],
    async run(ctx) {
      const rows = ctx.fleet.itlFileStatus();
      ctx.line(`${'Device Name'.padEnd(17)}${'Model'.padEnd(9)}${'TFTP Node'.padEnd(12)}ITL File Status`);
      for (const r of rows) ctx.line(`${r.phone.name.padEnd(17)}${r.phone.model.padEnd(9)}${r.tftp.padEnd(12)}${r.status}`);
      const count = (s: string) => rows.filter((r) => r.status === s).length;
      ctx.line(`Match: ${count('Match')}, MisMatch: ${count('MisMatch')}, Not Installed: ${count('Not Installed')}, Unknown: ${count('Unknown')}`);
    },
  },
  {
    path: 'sim report phone-feature-list',
    privilege: 0,
    args: [{ name: 'feature', describe: 'e.g. Authenticated Contact Search, Security By Default', required: true, rest: true, choices: () => Object.keys(FEATURE_NAMES) }],
    description: ['The Unified CM Phone Feature List report (Cisco Unified Reporting): which models support a feature.'],
    async run(ctx, args) {
      const feature = Object.keys(FEATURE_NAMES).find((f) => f.toLowerCase() === args.feature.toLowerCase());
      if (!feature) throw new CliError([`Unknown feature ${args.feature}. Features: ${Object.keys(FEATURE_NAMES).join(', ')}`]);
      const counts = new Map<string, number>();
      for (const p of ctx.fleet.phones()) counts.set(p.model, (counts.get(p.model) ?? 0) + 1);
      ctx.lines(['Unified CM Phone Feature List', `Feature: ${feature}`, '', `${'Product'.padEnd(12)}${'Supported'.padEnd(12)}Phones in cluster`]);
      for (const [model, n] of [...counts].sort()) {
        ctx.line(`${model.padEnd(12)}${(phoneModel(model)[FEATURE_NAMES[feature]] ? 'Yes' : 'No').padEnd(12)}${n}`);
      }
    },
  },
];
