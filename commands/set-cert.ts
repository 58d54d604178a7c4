// set cert regen <unit>, and the GUI's choices of key length, hash and validity under `sim cert`.
import { CliError, type CommandSpec, type CommandContext } from '../src/cli/command';
import { regenerateCertificate } from '../src/cluster/certificates';
import { resolveRegenSpec, MULTI_SERVER_UNITS, type RegenChoice } from '../src/cluster/keyrules';
import { UNITS } from '../src/cluster/units';
import { certificateInfo, javaDate, type HashName } from '../src/pki';
import { requireUnitHere } from './common';

const ITLRECOVERY_WARNING = [
  '',
  'WARNING: If you are using a tokenless CTL and if the CallManager certificate is recently ',
  'generated, please ensure that the CTL File already has the new CallManager certificate and is',
  'updated to the endpoints, before generating the ITL Recovery certificate. Are you sure want ',
  'to proceed?',
  '',
];

/** Units whose certificate the tokenless CTL carries: in mixed mode the CTL must be updated after them. */
const IN_CTL = new Set(['CallManager', 'CAPF']);

const unitArg = {
  name: 'unit', describe: 'tomcat, tomcat-ECDSA, ipsec, CallManager, CallManager-ECDSA, CAPF, TVS or ITLRecovery', required: true,
  choices: (c: { cluster: CommandContext['cluster']; node: string }) => c.cluster.certificates.own(c.node).map((x) => x.unit),
};

async function regen(ctx: CommandContext, typed: string, choice?: RegenChoice): Promise<void> {
  const unit = UNITS.find((u) => u.unit.toLowerCase() === typed.toLowerCase())?.unit;
  if (!unit) throw new CliError([`Invalid unit ${typed}. Valid units: ${UNITS.map((u) => u.unit).join(', ')}`]);
  requireUnitHere(ctx, unit);
  const existing = ctx.cluster.certificates.find(ctx.session.node, unit);
  if (!existing) throw new CliError([`There is no ${unit} certificate on this node.`]);
  // Refuse a choice the unit cannot take before asking anything.
  const def = UNITS.find((u) => u.unit === unit)!;
  resolveRegenSpec(def, ctx.cluster.profile, ctx.cluster.node(ctx.session.node).fips === 1, choice);
  if (choice?.distribution === 'multi-server' && !MULTI_SERVER_UNITS.includes(unit)) {
    throw new CliError([`${unit} has no Multi-server distribution; it is available for ${MULTI_SERVER_UNITS.join(', ')}.`]);
  }
  if (unit === 'ITLRecovery') ctx.lines(ITLRECOVERY_WARNING);
  else ctx.line(`WARNING: This operation will overwrite any CA signed certificate previously imported for  ${unit}`);
  const proceed = await ctx.confirm('Proceed with regeneration (yes|no)? ');
  if (!proceed) return;
  if (unit === 'ITLRecovery') ctx.line('');
  const result = await regenerateCertificate(ctx.cluster, ctx.actor, unit, choice, ctx.signal);
  if (!result.pending && unit !== 'TVS') {
    // 14+: certificate regeneration without service restarts.
    ctx.lines([
      `Successfully Regenerated Certificate for ${unit}.`,
      unit === 'CAPF'
        ? 'Cisco Certificate Authority Proxy Function restarts automatically to use the regenerated certificate.'
        : `The regenerated certificate is in use; Cisco CallManager and Cisco CTIManager need no restart. Restart Cisco Tftp for HTTPS configuration download to present it.`,
    ]);
  } else if (unit === 'ITLRecovery') {
    ctx.lines([
      'Successfully Regenerated Certificate for ITLRecovery.',
      '',
      'You must restart the services related to ITLRecovery for the regenerated certificates to ',
      'become active.',
    ]);
  } else {
    ctx.lines([
      `Successfully Regenerated Certificate for ${unit}.`,
      `You must restart services related to ${unit} for the regenerated certificates to become active.`,
    ]);
  }
  if (ctx.cluster.settings.mixedMode && IN_CTL.has(unit)) {
    ctx.line('The cluster is in Mixed Mode: run utils ctl update CTLFile so that the CTL file carries the new certificate.');
  }
  if (ctx.cluster.settings.mixedMode && unit === 'ITLRecovery' && ctx.cluster.profile.normalSigner === 'ITLRecovery') {
    // The phones' CTL is signed by the old ITLRecovery: re-sign with CallManager first (Security Guide).
    ctx.line('The cluster is in Mixed Mode: run utils ctl reset localkey, reset the phones, then run utils ctl update CTLFile.');
  }
}

const HASHES: HashName[] = ['SHA256', 'SHA384', 'SHA512'];

/** `key-length N hash H validity Y distribution multi-server|node`, in any order, each optional. */
export function parseChoice(text: string): RegenChoice {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const choice: RegenChoice = {};
  for (let i = 0; i < words.length; i += 2) {
    const [key, value] = [words[i].toLowerCase(), words[i + 1]];
    if (value === undefined) throw new CliError([`${words[i]} needs a value`]);
    if (key === 'key-length' && /^\d+$/.test(value)) choice.keySize = Number(value);
    else if (key === 'hash' && HASHES.includes(value.toUpperCase() as HashName)) choice.hash = value.toUpperCase() as HashName;
    else if (key === 'validity' && /^\d+$/.test(value)) choice.validityYears = Number(value);
    else if (key === 'distribution' && ['multi-server', 'node'].includes(value.toLowerCase())) choice.distribution = value.toLowerCase() as RegenChoice['distribution'];
    else throw new CliError([`Invalid option ${words[i]} ${value}. Options: key-length N, hash SHA256|SHA384|SHA512, validity YEARS, distribution multi-server|node`]);
  }
  return choice;
}

export const setCertCommands: CommandSpec[] = [
  {
    path: 'set cert regen',
    privilege: 1,
    args: [unitArg],
    description: ['This command regenerates the certificate of a unit with a new key pair. The new certificate is used', 'after the services related to the unit restart.'],
    example: [
      'set cert regen tomcat',
      'WARNING: This operation will overwrite any CA signed certificate previously imported for  tomcat',
      'Proceed with regeneration (yes|no)? yes',
      'Successfully Regenerated Certificate for tomcat.',
      'You must restart services related to tomcat for the regenerated certificates to become active.',
    ],
    run: (ctx, args) => regen(ctx, args.unit),
  },
  {
    path: 'sim cert regen',
    privilege: 1,
    args: [unitArg, { name: 'options', describe: 'key-length N  hash SHA256|SHA384|SHA512  validity YEARS (ITLRecovery, 15.x)  distribution multi-server|node', required: false, rest: true }],
    description: [
      'Regenerates a certificate with the key length, hash, validity and distribution the OS Administration GUI',
      'offers: RSA units 1024/2048/3072/4096 bits, EC units 256/384 bits (256: SHA256/384/512, 384: SHA384/512);',
      'multi-server gives the CN <host>-ms.<domain> (<host>-EC-ms.<domain> for ECDSA) and a SAN for every node.',
    ],
    example: ['sim cert regen CallManager key-length 3072 hash SHA384'],
    run: (ctx, args) => regen(ctx, args.unit, parseChoice(args.options ?? '')),
  },
  {
    path: 'sim cert list',
    privilege: 0,
    description: ['Lists this node\'s certificates in use and waiting for a restart, with key, hash and expiry.'],
    async run(ctx) {
      const rows = [
        ...ctx.cluster.certificates.own(ctx.session.node).map((c) => ({ c, status: 'active' })),
        ...ctx.cluster.certificates.pending(ctx.session.node).map((c) => ({ c, status: 'pending restart' })),
      ];
      ctx.line(`${'Unit'.padEnd(18)}${'Status'.padEnd(17)}${'Key'.padEnd(10)}${'Hash'.padEnd(8)}Expires`);
      for (const { c, status } of rows) {
        const info = certificateInfo(c.cert_pem);
        ctx.line(`${c.unit.padEnd(18)}${status.padEnd(17)}${`${info.keyType} ${info.keySize}`.padEnd(10)}${info.hash.padEnd(8)}${javaDate(info.notAfter, ctx.cluster.timeZone)}`);
      }
    },
  },
];
