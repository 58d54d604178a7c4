// file list tftp, file get tftp (incl. ITLRecovery.p12 bundled on demand), file delete tftp.
import { CliError, type CommandSpec, type CommandContext } from '../src/cli/command';
import { itlRecoveryBundle, exportFiles, ITL_RECOVERY_P12 as P12, type OutgoingFile } from '../src/cluster/transfers';
import { fileSpecMatcher } from './common';
import { dateParts } from '../src/clock/dates';
import { askSftpTarget, sftpStep } from './sftp-dialog';
import { parseListOptions, sortListing, parseGetOptions, wanted, LIST_OPTIONS_ARG, GET_OPTIONS_ARG } from './file-options';
import { compressFiles } from '../src/cluster/activelog';

const TFTP_DIR = '/usr/local/cm/tftp';

/** The names in this node's TFTP directory (ITLRecovery.p12 is bundled on the publisher on request). */
function tftpNames(ctx: { cluster: CommandContext['cluster']; node: string }): string[] {
  const names = ctx.cluster.tftp.files(ctx.node).map((f) => f.name);
  return ctx.cluster.isPublisher(ctx.node) ? [...names, P12].sort() : names;
}

async function p12Bundle(ctx: CommandContext): Promise<OutgoingFile> {
  const password = await ctx.ask('Enter a password to protect ITLRecovery.p12: ', { mask: '*' });
  const again = await ctx.ask('Re-enter the password: ', { mask: '*' });
  if (password !== again) throw new CliError(['The passwords do not match.']);
  if (password.length < 6) throw new CliError(['The password must be at least 6 characters long.']);
  return itlRecoveryBundle(ctx.cluster, ctx.session.node, password);
}

function sizeLines(bytes: number): string[] {
  return [`Total size in Bytes: ${bytes}`, `Total size in Kbytes: ${(bytes / 1024).toFixed(4)}`];
}

const fileSpecArg = (describe: string) => ({
  name: 'file-spec', describe, required: true,
  choices: (c: { cluster: CommandContext['cluster']; node: string }) => tftpNames(c),
});

export const fileCommands: CommandSpec[] = [
  {
    path: 'file list tftp',
    privilege: 0,
    args: [fileSpecArg('file to list; may contain * as wildcard'), LIST_OPTIONS_ARG],
    description: ['This command lists TFTP files.'],
    example: ['file list tftp *.tlv', 'CTLFile.tlv', 'ITLFile.tlv', 'dir count = 0, file count = 2'],
    async run(ctx, args) {
      const match = fileSpecMatcher(args['file-spec']);
      const o = parseListOptions(args.options);
      const detail = o.detail;
      const listed = ctx.cluster.tftp.files(ctx.session.node).filter((f) => match(f.name))
        .map((f) => ({ name: f.name, dir: false, size: f.content.length, modified: f.modified_at, f }));
      const files = sortListing(listed, o).map((x) => x.f);
      for (const f of files) {
        if (!detail) ctx.line(f.name);
        else {
          const p = dateParts(new Date(f.modified_at), ctx.cluster.timeZone);
          ctx.line(`${p.day} ${p.month},${p.year} ${p.hour}:${p.minute}:${p.second}${f.content.length.toLocaleString('en-US').padStart(13)}  ${f.name}`);
        }
      }
      ctx.line(`dir count = 0, file count = ${files.length}`);
    },
  },
  {
    path: 'file get tftp',
    privilege: 0,
    args: [fileSpecArg('file to send; may contain * as wildcard'), GET_OPTIONS_ARG],
    description: [
      'This command sends a TFTP file to another system by using SFTP. After the command identifies the',
      'specified files, you get prompted to enter an SFTP host, username, and password.',
      'file get tftp ITLRecovery.p12 exports the ITL Recovery key pair, protected by a password you choose.',
    ],
    example: ['file get tftp ITLRecovery.p12'],
    async run(ctx, args) {
      // ITLRecovery.p12 is bundled on request, so a wildcard does not pick it up (file list does not show it).
      const o = parseGetOptions(args.options, ctx.clock.nowMs());
      const match = fileSpecMatcher(args['file-spec']);
      const names = ctx.cluster.tftp.files(ctx.session.node).filter((f) => match(f.name) && wanted(o, f.name, f.modified_at)).map((f) => f.name);
      if (ctx.cluster.isPublisher(ctx.session.node) && args['file-spec'].toLowerCase() === P12.toLowerCase()) names.push(P12);
      if (names.length === 0) throw new CliError(['No files matched the file specification.']);
      let files: OutgoingFile[] = [];
      for (const name of names) {
        files.push(name === P12 ? await p12Bundle(ctx) : { name, content: ctx.cluster.tftp.file(ctx.session.node, name)!.content });
      }
      if (o.compress) files = compressFiles(files);
      ctx.line('Please wait while the system is gathering files info ...');
      for (const f of files) ctx.line(`Get file: ${TFTP_DIR}/${f.name}`);
      ctx.lines(['done.', 'Sub-directories were not traversed.', `Number of files affected: ${files.length}`, ...sizeLines(files.reduce((n, f) => n + f.content.length, 0))]);
      if (!(await ctx.confirm('Would you like to proceed [y/n]? '))) return;
      ctx.line('');
      const target = await askSftpTarget(ctx);
      const dir = (await ctx.ask('Download directory: ')).trim() || '/';
      ctx.line('');
      await sftpStep(() => exportFiles(ctx.cluster, ctx.actor, files, target, dir, () => ctx.line('.')));
      ctx.line('Transfer completed.');
    },
  },
  {
    path: 'file delete tftp',
    privilege: 1,
    args: [fileSpecArg('file to delete; may contain * as wildcard')],
    description: ['This command deletes TFTP files of this node.'],
    example: ['file delete tftp CTLFile.tlv', 'Delete the File CTLFile.tlv? Enter "y" followed by return to continue: y', 'files: found = 1, deleted = 1'],
    async run(ctx, args) {
      const match = fileSpecMatcher(args['file-spec']);
      const names = ctx.cluster.tftp.files(ctx.session.node).map((f) => f.name).filter(match);
      let deleted = 0;
      for (const name of names) {
        const answer = await ctx.ask(`Delete the File ${name}? Enter "y" followed by return to continue: `);
        if (answer.trim().toLowerCase() === 'y' && ctx.cluster.tftp.delete(ctx.actor, name)) deleted++;
      }
      ctx.line(`files: found = ${names.length}, deleted = ${deleted}`);
    },
  },
];
