// set csr gen <unit>, show csr list own, show csr own <unit>.
import { CliError, type CommandSpec, type CommandContext } from '../src/cli/command';
import { generateCsr, listCsrs, findCsr, NO_CSR_UNITS } from '../src/cluster/csr';
import { requireUnitHere } from './common';
import { parseChoice } from './set-cert';

type Completion = { cluster: CommandContext['cluster']; node: string };

/** The unit a CSR is for: any of this node's certificates that can have one. */
const CSR_UNIT = {
  name: 'unit', describe: 'tomcat, tomcat-ECDSA, ipsec, CallManager, CallManager-ECDSA, CAPF or TVS', required: true,
  choices: (c: Completion) => c.cluster.certificates.own(c.node).map((x) => x.unit).filter((u) => !NO_CSR_UNITS.includes(u)),
};

export const csrCommands: CommandSpec[] = [
  {
    path: 'set csr gen',
    privilege: 1,
    args: [CSR_UNIT],
    description: [
      'This command generates a certificate signing request (CSR) for a unit, with a new private key and the',
      'subject of the unit\'s certificate. A new CSR replaces the unit\'s previous one. Have a certificate',
      'authority sign it, then import the certificate with set cert import own <unit>.',
    ],
    example: ['set csr gen tomcat', 'Successfully Generated CSR for tomcat.'],
    async run(ctx, args) {
      requireUnitHere(ctx, args.unit);
      const { def: done } = await generateCsr(ctx.cluster, ctx.actor, args.unit, ctx.signal);
      ctx.line(`Successfully Generated CSR for ${done.unit}.`);
    },
  },
  {
    path: 'sim csr gen',
    privilege: 1,
    args: [
      CSR_UNIT,
      { name: 'options', describe: 'key-length N  hash SHA256|SHA384|SHA512  distribution multi-server|node', required: false, rest: true },
    ],
    description: [
      'Generates a CSR with the choices of the OS Administration GUI\'s Generate CSR page: the key type is the',
      'unit\'s; key length RSA 1024/2048/3072/4096 or EC 256/384, a hash at least as strong as the key; a',
      'multi-server distribution gives the CN <host>-ms.<domain> (<host>-EC-ms.<domain>) and a SAN for every node.',
    ],
    example: ['sim csr gen CallManager key-length 3072 hash SHA384 distribution multi-server', 'Successfully Generated CSR for CallManager.'],
    async run(ctx, args) {
      requireUnitHere(ctx, args.unit);
      const { def: done } = await generateCsr(ctx.cluster, ctx.actor, args.unit, ctx.signal, parseChoice(args.options ?? ''));
      ctx.line(`Successfully Generated CSR for ${done.unit}.`);
    },
  },
  {
    path: 'show csr list own',
    privilege: 1,
    description: ['This command lists the certificate signing requests of this node that wait for a signed certificate.'],
    example: ['show csr list own', 'tomcat/tomcat.csr'],
    async run(ctx) {
      for (const c of listCsrs(ctx.cluster, ctx.session.node)) ctx.line(`${c.unit}/${c.unit}.csr`);
    },
  },
  {
    path: 'show csr own',
    privilege: 1,
    args: [{
      name: 'unit', describe: 'the CSR, e.g. tomcat or tomcat/tomcat.csr', required: true,
      choices: (c: Completion) => listCsrs(c.cluster, c.node).map((x) => x.unit),
    }],
    description: ['This command displays a certificate signing request of this node in PEM format.'],
    example: ['show csr own tomcat'],
    async run(ctx, args) {
      const csr = findCsr(ctx.cluster, ctx.session.node, args.unit);
      if (!csr) throw new CliError([`CSR ${args.unit} not found. Run "show csr list own" to list the CSRs.`]);
      ctx.lines(csr.csr_pem.trimEnd().split('\n'));
    },
  },
];
