// utils itl reset localkey | remotekey <host> <user> <path/ITLRecovery.p12>
import { CliError, type CommandSpec, type CommandContext } from '../src/cli/command';
import { downloadFile, openRecoveryBundle } from '../src/cluster/transfers';
import type { KeyPair } from '../src/cluster/trustfiles';
import { requirePublisher } from './common';
import { askSftpTarget, sftpStep } from './sftp-dialog';

async function reset(ctx: CommandContext, imported?: KeyPair): Promise<void> {
  const active = ctx.cluster.services.activeTftpNodes();
  if (active.length === 0) throw new CliError(['There are no active TFTP servers in the cluster; start Cisco Tftp first.']);
  ctx.line('Generating the reset ITL file.....');
  const nodes = ctx.cluster.tftp.resetItl(ctx.actor, imported);
  ctx.lines([
    'The reset ITL file was generated successfully',
    'Locating active Tftp servers in the cluster.....',
    'Following is the list of Active tftp servers in the cluster',
    '====================',
    ...nodes,
    '=====================',
    `Number of Active TFTP servers in the cluster : ${nodes.length}`,
    'Transferring new reset ITL file to the TFTP server nodes in the cluster.........',
    ...nodes.map((n) => `Successfully transferred reset ITL to node ${n}`),
  ]);
}

export const itlCommands: CommandSpec[] = [
  {
    path: 'utils itl reset localkey',
    privilege: 4,
    description: [
      'Generates a new ITL file by taking the existing ITL file on the publisher, replaces its signature and',
      'signs it with the CallManager certificate key, and sends it to every active TFTP server. Use it when',
      'endpoints are unable to validate their configuration files. Restarting Cisco Tftp restores the ITL',
      'signed by the ITLRecovery key.',
    ],
    async run(ctx) {
      requirePublisher(ctx);
      await reset(ctx);
    },
  },
  {
    path: 'utils itl reset remotekey',
    privilege: 4,
    args: [
      { name: 'host', describe: 'IP address or hostname of the SFTP server', required: true },
      { name: 'userid', describe: 'SFTP user ID', required: true },
      { name: 'path', describe: 'path of ITLRecovery.p12 on the SFTP server', required: true },
    ],
    description: [
      'Generates a new ITL file after importing the PKCS 12 bag that contains the recovery certificate key',
      'pair from the remote location, and signs it with the recovery private key.',
    ],
    example: ['utils itl reset remotekey 10.10.10.50 backup /backups/ITLRecovery.p12'],
    async run(ctx, args) {
      requirePublisher(ctx);
      const target = await askSftpTarget(ctx, args.host, args.userid);
      const p12 = await sftpStep(() => downloadFile(target, args.path));
      const password = await ctx.ask('Enter the password of ITLRecovery.p12: ', { mask: '*' });
      await reset(ctx, openRecoveryBundle(p12, password, args.path));
    },
  },
];
