// sim bulk-certificate ...: OS Administration > Security > Bulk Certificate Management on a publisher:
// the SFTP settings (Save), and the Export, Consolidate and Import pop-ups with their Certificate Type.
import { CliError, type CommandSpec, type CommandContext } from '../src/cli/command';
import { BulkCertificates, CERTIFICATE_TYPES, certificateType } from '../src/cluster/bulk-certificates';

const typeArg = {
  name: 'type', describe: `Certificate Type: ${CERTIFICATE_TYPES.join(', ')} (default TFTP)`, required: false,
  choices: () => [...CERTIFICATE_TYPES],
};

const bulk = (ctx: CommandContext) => new BulkCertificates(ctx.cluster);

export const simBulkCertificateCommands: CommandSpec[] = [
  {
    path: 'sim bulk-certificate settings',
    privilege: 1,
    description: [
      'Defines the central SFTP server of Bulk Certificate Management (IP Address, Port, User ID, Password,',
      'Directory) and saves it for this cluster, as the page\'s Save button does. Run it on the publisher.',
    ],
    async run(ctx) {
      const saved = bulk(ctx).settings();
      const ip = (await ctx.ask(`IP Address${saved ? ` [${saved.ip}]` : ''}: `)).trim() || saved?.ip || '';
      const portText = (await ctx.ask(`Port [${saved?.port ?? 22}]: `)).trim();
      const port = portText === '' ? saved?.port ?? 22 : /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
      const userId = (await ctx.ask(`User ID${saved ? ` [${saved.userId}]` : ''}: `)).trim() || saved?.userId || '';
      const password = (await ctx.ask('Password: ', { mask: '*' })) || saved?.password || '';
      const directory = (await ctx.ask(`Directory${saved ? ` [${saved.directory}]` : ''}: `)).trim() || saved?.directory || '';
      bulk(ctx).save(ctx.actor, { ip, port, userId, password, directory });
      ctx.line('Bulk Certificate Management settings saved.');
    },
  },
  {
    path: 'sim bulk-certificate show',
    privilege: 0,
    description: ['Shows the saved SFTP server of Bulk Certificate Management (the password is not shown).'],
    async run(ctx) {
      const s = bulk(ctx).settings();
      if (!s) throw new CliError(['No SFTP server is saved for Bulk Certificate Management.']);
      ctx.lines([`IP Address : ${s.ip}`, `Port       : ${s.port}`, `User ID    : ${s.userId}`, 'Password   : ********', `Directory  : ${s.directory}`]);
    },
  },
  {
    path: 'sim bulk-certificate export',
    privilege: 1,
    args: [typeArg],
    description: [
      'Bulk Certificate Export: writes this cluster\'s certificates of the type to the central SFTP server,',
      'one certificates-only PKCS#12 file per node (<cluster>_<node>_<type>.p12).',
      'ITL_Recovery is for EMCC: both the visiting and the home cluster import it.',
    ],
    example: ['sim bulk-certificate export TFTP'],
    async run(ctx, args) {
      const type = certificateType(args.type);
      const files = await bulk(ctx).export(ctx.actor, type);
      for (const f of files) ctx.line(`Exported ${f}`);
      ctx.line(`Bulk Certificate Export of ${type} certificates completed: ${files.length} file${files.length === 1 ? '' : 's'}.`);
    },
  },
  {
    path: 'sim bulk-certificate consolidate',
    privilege: 1,
    args: [typeArg],
    description: [
      'Bulk Certificate Consolidate: merges the exports of every cluster found in the directory.',
      'Run it on one cluster only, after at least two clusters have exported.',
    ],
    async run(ctx, args) {
      const type = certificateType(args.type);
      for (const r of await bulk(ctx).consolidate(ctx.actor, type)) {
        ctx.line(`Consolidated ${r.type} certificates of clusters ${r.clusters.join(', ')} into ${r.file}`);
      }
      ctx.line('Bulk Certificate Consolidate completed.');
    },
  },
  {
    path: 'sim bulk-certificate import',
    privilege: 1,
    args: [typeArg],
    description: [
      'Bulk Certificate Import: loads the other clusters\' consolidated certificates into this cluster\'s',
      'trust stores on every node (CallManager and ITLRecovery into Phone-SAST-trust and CallManager-trust,',
      'CAPF into CallManager-trust, Tomcat into tomcat-trust). This cluster\'s TVS then vouches for them.',
    ],
    async run(ctx, args) {
      const type = certificateType(args.type);
      const r = await bulk(ctx).import(ctx.actor, type, (fn) => ctx.lab.transaction(fn));
      ctx.line(`Imported ${r.certificates} certificate entr${r.certificates === 1 ? 'y' : 'ies'} from ${r.from.join(', ') || 'no other cluster'} into ${r.stores.join(', ') || 'no trust store'}.`);
      ctx.line('Bulk Certificate Import completed.');
    },
  },
];
