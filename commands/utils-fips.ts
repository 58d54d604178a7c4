// utils fips status|enable|disable: the guide's warnings, a yes/no question, new certificates and a restart.
import { CliError, type CommandSpec, type CommandContext } from '../src/cli/command';
import { fipsEnabled, checkFipsChange, changeFips } from '../src/cluster/fips';
import { ClusterError } from '../src/cluster/errors';

const STARS78 = '*'.repeat(78);
const STARS56 = '*'.repeat(56);

function warning(on: boolean): string[] {
  return [
    'Security Warning: The operation will regenerate certificates for',
    '',
    '1)CallManager',
    '2)Tomcat',
    '3)IPsec',
    '4)TVS',
    '5)CAPF',
    '6)SSH ',
    '7)ITLRecovery',
    'Any third party CA signed certificates that have been uploaded for the above',
    'components will need to be re-uploaded. If the system is operating in Mixed',
    'mode, then the CTL client needs to be run again to update the CTL file.',
    'If there are other servers in the cluster, please wait and do not change the',
    'FIPS settings on any other node until the FIPS operation on this node is',
    'complete and the system is back up and running.',
    '',
    "If the 'TFTP File Signature Algorithm' enterprise parameter is set to 'SHA-1',",
    "it is recommended to set it to 'SHA-512' before this operation.",
    STARS78,
    `This will change the system to ${on ? 'FIPS' : 'NON-FIPS'} mode and will reboot.`,
    STARS78,
    'WARNING: Once you continue do not press Ctrl+C. Canceling this operation after',
    'it starts will leave the system in an inconsistent state; rebooting the system',
    'and running "utils fips status" will be required to recover.',
    STARS78,
  ];
}

async function change(ctx: CommandContext, on: boolean): Promise<void> {
  try {
    checkFipsChange(ctx.cluster, ctx.session.node, on);
  } catch (e) {
    if (e instanceof ClusterError) throw new CliError([e.message]);
    throw e;
  }
  ctx.lines(warning(on));
  if (!(await ctx.confirm('Do you want to continue (yes/no)? '))) return;
  ctx.line(`Generating certificates...Setting ${on ? 'FIPS' : 'NON-FIPS'} mode in operating system.`);
  await changeFips(ctx.cluster, ctx.actor, on);
  ctx.lines([
    `FIPS mode ${on ? 'enabled' : 'disabled'} successfully.`,
    STARS56,
    'It is highly recommended that after your system restarts',
    'that a system backup is performed.',
    STARS56,
    'The system will reboot in a few minutes.',
  ]);
  ctx.session.dropNodeSessions();
}

export const fipsCommands: CommandSpec[] = [
  {
    path: 'utils fips status',
    privilege: 1,
    description: ['This command shows whether the node operates in FIPS mode.'],
    example: ['utils fips status', 'The system is operating in NON-FIPS mode.'],
    async run(ctx) {
      ctx.line(fipsEnabled(ctx.cluster, ctx.session.node) ? 'The system is operating in FIPS mode.' : 'The system is operating in NON-FIPS mode.');
    },
  },
  {
    path: 'utils fips enable',
    privilege: 4,
    description: ['This command puts the node in FIPS mode: its certificates are regenerated (SHA256, RSA keys of', '2048 bits or more) and the node restarts. Enable the publisher first, then one node at a time.'],
    async run(ctx) {
      await change(ctx, true);
    },
  },
  {
    path: 'utils fips disable',
    privilege: 4,
    description: ['This command takes the node out of FIPS mode: its certificates are regenerated and the node restarts.'],
    async run(ctx) {
      await change(ctx, false);
    },
  },
];
