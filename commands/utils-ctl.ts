// utils ctl set-cluster mixed-mode|non-secure-mode, utils ctl update CTLFile, utils ctl reset localkey.
import { CliError, type CommandSpec, type CommandContext } from '../src/cli/command';
import { CTL_FILE } from '../src/cluster/trustfiles';
import { CTL_PROVIDER } from '../src/cluster/cluster';
import { requirePublisher } from './common';

/** What the CLI asks the admin to do afterwards; 10.x and 12.x+ differ. */
function tail(ctx: CommandContext): string[] {
  return ctx.cluster.profile.ctlMessages === 'reset-phones'
    ? ['You must reset all phones to ensure they received the updated CTL file. ', 'You must restart Cisco CTIManager services on all the nodes in the cluster that have the service activated.']
    : ['Please Restart the TFTP and Cisco CallManager services on all nodes in the cluster that run these services'];
}

function preconditions(ctx: CommandContext): void {
  requirePublisher(ctx);
  if (!ctx.cluster.services.started(ctx.session.node, CTL_PROVIDER)) {
    throw new CliError(['Cisco CTL Provider is not running on this node. Start it with utils service start Cisco CTL Provider and retry.']);
  }
}

const ask = (ctx: CommandContext, what: string) => ctx.confirm(`${what} Do you want to continue? (y/n):`);

export const ctlCommands: CommandSpec[] = [
  {
    path: 'utils ctl set-cluster mixed-mode',
    privilege: 1,
    description: ['Updates the CTL file and sets the cluster to mixed mode (db secure mode is set to 1).', 'Run it on the publisher.'],
    async run(ctx) {
      preconditions(ctx);
      if (ctx.cluster.settings.mixedMode) {
        ctx.line('The cluster is already in Mixed Mode.');
        return;
      }
      const autoReg = ctx.cluster.settings.enterpriseParameter('Auto-registration') === 'True';
      const what = `This operation will set the cluster to Mixed mode.${autoReg ? '  Auto-registration is enabled on at least one CM node.' : ''}`;
      if (!(await ask(ctx, what))) return;
      ctx.line('Moving Cluster to Mixed Mode');
      ctx.cluster.tftp.writeCtl(ctx.actor, { mixed: true });
      ctx.lines(['Cluster set to Mixed Mode', ...tail(ctx)]);
    },
  },
  {
    path: 'utils ctl set-cluster non-secure-mode',
    privilege: 1,
    description: ['Updates the CTL file and sets the cluster to non-secure mode. Run it on the publisher.'],
    async run(ctx) {
      preconditions(ctx);
      if (!ctx.cluster.settings.mixedMode) {
        ctx.line('The cluster is already in Non Secure Mode.');
        return;
      }
      if (!(await ask(ctx, 'This operation will set the cluster to non secure mode.'))) return;
      ctx.line('Moving Cluster to Non Secure Mode');
      ctx.cluster.tftp.writeCtl(ctx.actor, { mixed: false });
      ctx.lines(['Cluster set to Non Secure Mode', ...tail(ctx)]);
    },
  },
  {
    path: 'utils ctl update CTLFile',
    privilege: 1,
    description: ['Updates the CTL file in each of the nodes of the cluster. Run it on the publisher.'],
    async run(ctx) {
      preconditions(ctx);
      if (!ctx.cluster.settings.mixedMode && !ctx.cluster.tftp.file(ctx.session.node, CTL_FILE)) {
        throw new CliError(['The cluster is in Non Secure Mode and has no CTL file to update.', 'Run utils ctl set-cluster mixed-mode to create one.']);
      }
      if (!(await ask(ctx, 'This operation will update the CTLFile.'))) return;
      ctx.line('Updating CTL file');
      ctx.cluster.tftp.writeCtl(ctx.actor, { mixed: ctx.cluster.settings.mixedMode });
      ctx.lines(['CTL file Updated', ...tail(ctx)]);
    },
  },
  {
    path: 'utils ctl reset localkey',
    privilege: 4,
    description: [
      'Regenerates the CTL file and signs it with the secondary SAST role (CallManager). Use it when the',
      'ITLRecovery certificate that signed the original CTL file has changed and the endpoints are locked out.',
      'After the endpoints have the new CTL file, run utils ctl update CTLFile to sign it with ITLRecovery again.',
    ],
    async run(ctx) {
      preconditions(ctx);
      if (!ctx.cluster.settings.mixedMode) throw new CliError(['The cluster is not in Mixed Mode; there is no CTL file to reset.']);
      if (!(await ask(ctx, 'This operation will reset the CTL file and sign it with the CallManager key.'))) return;
      ctx.line('Resetting the CTL file');
      ctx.cluster.tftp.writeCtl(ctx.actor, { mixed: true, signWith: 'CallManager' });
      ctx.lines(['The CTL file was reset and signed with the CallManager key', ...tail(ctx)]);
    },
  },
];
