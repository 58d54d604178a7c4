// show cert list own|trust, show cert own <unit>, show cert trust <store/file>.
import { CliError, type CommandSpec } from '../src/cli/command';
import { describeCertificate } from '../src/pki';

export const showCertCommands: CommandSpec[] = [
  {
    path: 'show cert list own',
    privilege: 1,
    description: ['This command displays the list of certificates of this node.'],
    async run(ctx) {
      for (const c of ctx.cluster.certificates.own(ctx.session.node)) ctx.line(`${c.unit}/${c.unit}.pem: ${c.description}`);
    },
  },
  {
    path: 'show cert list trust',
    privilege: 1,
    description: ['This command displays the list of trusted certificates of this node.'],
    async run(ctx) {
      for (const t of ctx.cluster.certificates.trust(ctx.session.node)) ctx.line(`${t.store}/${t.file}: ${t.description}`);
    },
  },
  {
    path: 'show cert own',
    privilege: 1,
    args: [{
      name: 'unit', describe: 'the certificate unit, e.g. CallManager or CallManager/CallManager.pem', required: true,
      choices: (c) => c.cluster.certificates.own(c.node).map((x) => x.unit),
    }],
    description: ['This command displays the fields and the PEM of one of this node\'s certificates.'],
    example: ['show cert own CallManager'],
    async run(ctx, args) {
      const unit = args.unit.split('/')[0];
      const cert = ctx.cluster.certificates.find(ctx.session.node, unit);
      if (!cert) throw new CliError([`Certificate ${args.unit} not found. Run "show cert list own" to list the certificates.`]);
      ctx.lines(describeCertificate(cert.cert_pem, ctx.cluster.timeZone));
    },
  },
  {
    path: 'show cert trust',
    privilege: 1,
    args: [{
      name: 'file', describe: 'the trust store and file, e.g. tomcat-trust/cucm-pub.example.com.pem', required: true,
      choices: (c) => c.cluster.certificates.trust(c.node).map((t) => `${t.store}/${t.file}`),
    }],
    description: ['This command displays one trusted certificate of this node.'],
    async run(ctx, args) {
      const t = ctx.cluster.certificates.trust(ctx.session.node).find((x) => `${x.store}/${x.file}`.toLowerCase() === args.file.toLowerCase());
      if (!t) throw new CliError([`Certificate ${args.file} not found. Run "show cert list trust" to list the certificates.`]);
      ctx.lines(describeCertificate(t.cert_pem, ctx.cluster.timeZone));
    },
  },
];
