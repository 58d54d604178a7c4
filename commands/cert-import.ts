// set cert import own|trust <unit> (the certificate fetched over SFTP), set cert delete <unit> <file>.
import { CliError, type CommandSpec, type CommandContext } from '../src/cli/command';
import { csrFor, deleteTrustCertificate, importSignedCertificate, importTrustCertificate, listCsrs, trustStoreNamed, TRUST_STORES } from '../src/cluster/csr';
import { downloadFile } from '../src/cluster/transfers';
import { requireUnitHere } from './common';
import { askSftpTarget, sftpStep } from './sftp-dialog';

type Completion = { cluster: CommandContext['cluster']; node: string };

/** A certificate file (leaf and chain) is a few KB; anything much larger is not one. */
const MAX_CERT_FILE_BYTES = 256 * 1024;

const trustUnitArg = {
  name: 'unit', describe: `the trust store: ${TRUST_STORES.map((s) => s.name).join(', ')}`, required: true,
  choices: () => TRUST_STORES.map((s) => s.name),
};

/** The SFTP questions, then the file's path; returns the file's bytes. */
async function fetchCertificateFile(ctx: CommandContext): Promise<Buffer> {
  const target = await askSftpTarget(ctx);
  const path = (await ctx.ask('Certificate file path: ')).trim();
  if (!path) throw new CliError(['No certificate file path was entered.']);
  return sftpStep(() => downloadFile(target, path, MAX_CERT_FILE_BYTES));
}

/** The EXACT text `set cert import trust` prints (CLIREF-SET-1251SU2), used for both imports. */
function imported(ctx: CommandContext, name: string): void {
  ctx.lines([
    `Successfully imported certificate for ${name}.`,
    `Please restart services related to ${name} for the new certificate to`,
    'become active.',
  ]);
}

export const certImportCommands: CommandSpec[] = [
  {
    path: 'set cert import own',
    privilege: 1,
    args: [{
      name: 'unit', describe: 'the unit whose CSR was signed: tomcat, tomcat-ECDSA, ipsec, CallManager, CallManager-ECDSA, CAPF or TVS', required: true,
      choices: (c: Completion) => listCsrs(c.cluster, c.node).map((x) => x.unit),
    }],
    description: [
      'This command imports the certificate a certificate authority signed for the unit\'s CSR (see set csr gen),',
      'fetched by SFTP: a PEM file with the certificate first, optionally followed by its CA chain. The CA',
      'certificates go to the unit\'s trust store on every node; the certificate is used after the services',
      'related to the unit restart.',
    ],
    example: [
      'set cert import own tomcat',
      'SFTP server IP: 10.10.10.50',
      'SFTP server port [22]:',
      'User ID: admin',
      'Password: ********',
      'Certificate file path: /certs/tomcat-chain.pem',
      'Successfully imported certificate for tomcat.',
      'Please restart services related to tomcat for the new certificate to',
      'become active.',
    ],
    async run(ctx, args) {
      requireUnitHere(ctx, args.unit);
      // Refuse an unknown unit or a missing CSR before asking for the server.
      await csrFor(ctx.cluster, ctx.session.node, args.unit);
      const content = await fetchCertificateFile(ctx);
      const result = await importSignedCertificate(ctx.cluster, ctx.actor, args.unit, content);
      imported(ctx, result.def.unit);
    },
  },
  {
    path: 'set cert import trust',
    privilege: 1,
    args: [trustUnitArg],
    description: [
      'This command imports a trusted certificate (or a PEM file of several) fetched by SFTP into the',
      'trust store of the unit, e.g. tomcat-trust for tomcat, on every node.',
    ],
    example: [
      'set cert import trust tomcat',
      'Successfully imported certificate for tomcat.',
      'Please restart services related to tomcat for the new certificate to',
      'become active.',
    ],
    async run(ctx, args) {
      const target = trustStoreNamed(args.unit);
      if (!target) throw new CliError([`Invalid unit ${args.unit}. Valid units: ${TRUST_STORES.map((s) => s.name).join(', ')}`]);
      const content = await fetchCertificateFile(ctx);
      const result = await importTrustCertificate(ctx.cluster, ctx.actor, target.name, content);
      imported(ctx, result.name);
    },
  },
  {
    path: 'set cert delete',
    privilege: 1,
    args: [trustUnitArg, { name: 'file', describe: 'the certificate file, as show cert list trust names it', required: true }],
    description: [
      'This command deletes a certificate file from the trust store of the unit (e.g. tomcat-trust) on every',
      'node. The certificate a node uses as its own cannot be deleted.',
    ],
    example: ['set cert delete tomcat Example_Root_CA.pem', 'Successfully deleted certificate Example_Root_CA.pem from tomcat-trust.'],
    async run(ctx, args) {
      const result = await deleteTrustCertificate(ctx.cluster, ctx.actor, args.unit, args.file);
      ctx.line(`Successfully deleted certificate ${result.file} from ${result.store}.`);
    },
  },
];
