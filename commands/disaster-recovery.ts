// utils disaster_recovery device add network|list, backup network, status backup|restore,
// show_backupfiles, restore network, history backup|restore.
import { CliError, type CommandSpec, type CommandContext } from '../src/cli/command';
import { ClusterError } from '../src/cluster/errors';
import { addDevice, backup, devices, history, restore, SftpError, type DrsHistoryRow } from '../src/cluster/drs';
import { javaDate } from '../src/clock/dates';
import { requirePublisher } from './common';

const NAME = /^[A-Za-z0-9_.-]{1,50}$/;

async function drfStep<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof SftpError) throw new CliError([`drfCliMsg: Unable to access the network server: ${e.message}`]);
    if (e instanceof ClusterError) throw new CliError([e.message]);
    throw e;
  }
}

interface Row {
  server: string;
  component: string;
  status: string;
  log: string;
}

function statusLines(ctx: CommandContext, h: DrsHistoryRow | undefined, op: 'BACKUP' | 'RESTORE'): string[] {
  if (!h) return [`drfCliMsg: No ${op === 'BACKUP' ? 'backup' : 'restore'} status available`];
  const when = javaDate(new Date(h.completed_at), ctx.cluster.timeZone);
  const word = op === 'BACKUP' ? 'Backup' : 'Restore';
  return [
    h.result === 'SUCCESS' ? `Status: SUCCESS :${word} Completed...` : `Status: ERROR :${word} Failed...`,
    `Tar Filename: ${h.tar}`,
    'Storage Location: NETWORK',
    `Operation: ${op}`,
    'Percentage Complete: 100',
    ...(JSON.parse(h.components) as Row[]).map((r) => `UCM ${r.server} ${r.component} ${r.status} ${when} ${r.log}`),
  ];
}

function historyLines(ctx: CommandContext, op: 'BACKUP' | 'RESTORE'): string[] {
  const rows = history(ctx.cluster, op);
  if (rows.length === 0) return ['drfCliMsg:  No history data is available'];
  const head = op === 'BACKUP'
    ? 'Tar Filename:           Backup Device:  Completed On:                  Result:  Backup Type:  Features Backed Up:'
    : 'Tar Filename:           Backup Device:  Completed On:                  Result:  Features Restored:';
  return [head, ...rows.map((r) => {
    const cols = [r.tar.padEnd(23), r.device.padEnd(15), javaDate(new Date(r.completed_at), ctx.cluster.timeZone).padEnd(30), r.result.padEnd(8)];
    return (op === 'BACKUP' ? [...cols, 'MANUAL'.padEnd(13), r.features] : [...cols, r.features]).join(' ').trimEnd();
  })];
}

export const drsCommands: CommandSpec[] = [
  {
    path: 'utils disaster_recovery device add network',
    privilege: 1,
    args: [
      { name: 'devicename', describe: 'name of the backup device', required: true },
      { name: 'path', describe: 'directory on the SFTP server', required: true },
      { name: 'server_name/ip_address', describe: 'SFTP server (host, or host:port)', required: true },
      { name: 'username', describe: 'SFTP user', required: true },
      { name: 'Number_of_backups', describe: 'backups kept on the device (default 2)', required: false },
    ],
    description: ['This command adds a network backup device: a directory on an SFTP server. The DRF master checks the', 'server by writing a test file there.'],
    example: ['utils disaster_recovery device add network networkDevice /backups 10.77.31.116 root 3'],
    async run(ctx, args) {
      requirePublisher(ctx);
      const keep = args.Number_of_backups === undefined ? 2 : Number(args.Number_of_backups);
      if (!NAME.test(args.devicename)) throw new CliError([`drfCliMsg: Invalid device name ${args.devicename}`]);
      if (!Number.isInteger(keep) || keep < 1 || keep > 14) throw new CliError(['drfCliMsg: The number of backups must be from 1 to 14']);
      const password = await ctx.ask(`Please enter password to connect to network server ${args['server_name/ip_address']}:`, { mask: '*' });
      await drfStep(() => addDevice(ctx.cluster, ctx.actor, { name: args.devicename, path: args.path, server: args['server_name/ip_address'], username: args.username, password, keep }));
      ctx.line('drfCliMsg: Backup Device has been saved successfully.');
    },
  },
  {
    path: 'utils disaster_recovery device list',
    privilege: 1,
    description: ['This command lists the backup devices: name, type and path.'],
    async run(ctx) {
      const ds = devices(ctx.cluster);
      if (ds.length === 0) {
        ctx.line('drfCliMsg: No backup device is configured');
        return;
      }
      ctx.line(`${'Device Name'.padEnd(20)}${'Device Type'.padEnd(16)}Device Path`);
      ctx.line('-'.repeat(56));
      for (const d of ds) ctx.line(`${d.name.padEnd(20)}${'NETWORK'.padEnd(16)}${d.path}`);
    },
  },
  {
    path: 'utils disaster_recovery backup network',
    privilege: 1,
    args: [
      { name: 'featurelist', describe: 'features to back up, comma separated (UCM)', required: true },
      { name: 'device_name', describe: 'the backup device', required: true },
    ],
    description: ['This command backs up every node of the cluster to a network device. The certificates and private keys', 'in the archive are encrypted with the cluster security password.'],
    example: ['utils disaster_recovery backup network UCM networkDevice'],
    async run(ctx, args) {
      requirePublisher(ctx);
      const h = await drfStep(() => backup(ctx.cluster, ctx.actor, args.featurelist, args.device_name));
      if (h.result !== 'SUCCESS') throw new CliError(['drfCliMsg: Backup failed. Please check the status with utils disaster_recovery status backup']);
      ctx.line("drfCliMsg: Backup initiated successfully. Please run 'utils disaster_recovery status backup' command to see the status");
    },
  },
  {
    path: 'utils disaster_recovery status',
    privilege: 1,
    args: [{ name: 'backup|restore', describe: 'the operation', required: true, choices: () => ['backup', 'restore'] }],
    description: ['This command displays the status of the current or last backup or restore.'],
    async run(ctx, args) {
      const op = args['backup|restore'].toUpperCase();
      if (op !== 'BACKUP' && op !== 'RESTORE') throw new CliError([`Invalid option: ${args['backup|restore']}`]);
      const rows = history(ctx.cluster, op);
      ctx.lines(statusLines(ctx, rows[rows.length - 1], op));
    },
  },
  {
    path: 'utils disaster_recovery history',
    privilege: 1,
    args: [{ name: 'backup|restore', describe: 'the operation (default backup)', required: false, choices: () => ['backup', 'restore'] }],
    description: ['This command displays the history of backups or restores.'],
    async run(ctx, args) {
      const op = (args['backup|restore'] ?? 'backup').toUpperCase();
      if (op !== 'BACKUP' && op !== 'RESTORE') throw new CliError([`Invalid option: ${args['backup|restore']}`]);
      ctx.lines(historyLines(ctx, op));
    },
  },
  {
    path: 'utils disaster_recovery show_backupfiles',
    privilege: 0,
    args: [{ name: 'devicename', describe: 'the backup device', required: true }],
    description: ['This command lists the backup sets on a device.'],
    async run(ctx, args) {
      const d = devices(ctx.cluster).find((x) => x.name === args.devicename);
      if (!d) throw new CliError([`drfCliMsg: Backup device ${args.devicename} does not exist`]);
      const sets = history(ctx.cluster, 'BACKUP').filter((h) => h.device === d.name && h.result === 'SUCCESS').map((h) => h.tar.replace(/\.tar$/, ''));
      if (sets.length === 0) ctx.line('drfCliMsg: No backup files are available on the device');
      // The device keeps its last N sets (the oldest go when a new one completes).
      else ctx.lines(sets.slice(-d.keep));
    },
  },
  {
    path: 'utils disaster_recovery restore network',
    privilege: 1,
    args: [
      { name: 'restore_server', describe: 'the node to restore (host name)', required: true },
      { name: 'tarfilename', describe: 'the backup set, e.g. 2018-12-25-11-12-03', required: true },
      { name: 'devicename', describe: 'the backup device', required: true },
    ],
    description: ['This command restores a node from a backup set: its certificates and keys come back and it restarts.', 'Restore the publisher before the subscribers.'],
    async run(ctx, args) {
      requirePublisher(ctx);
      const h = await drfStep(() => restore(ctx.cluster, ctx.actor, args.restore_server, args.tarfilename, args.devicename));
      ctx.line("drfCliMsg: Restore initiated successfully. Please run 'utils disaster_recovery status restore' command to see the status");
      ctx.line(`The server ${(JSON.parse(h.components) as Row[])[0].server} restarts to complete the restore.`);
      if (ctx.cluster.node(ctx.session.node).restarting_until !== null) ctx.session.dropNodeSessions();
    },
  },
];
