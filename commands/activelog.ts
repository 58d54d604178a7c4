// file list activelog, file get activelog: the node's log tree (written from the lab's events),
// listed in the VOS layout and sent over the same SFTP dialog as file get tftp.
import { CliError, type CommandSpec, type CommandContext } from '../src/cli/command';
import { ACTIVELOG_EVENTS, activeLogFiles, entriesIn, compressFiles, type LogFile } from '../src/cluster/activelog';
import { exportFiles, type OutgoingFile } from '../src/cluster/transfers';
import { dateParts } from '../src/clock/dates';
import { fileSpecMatcher } from './common';
import { askSftpTarget, sftpStep } from './sftp-dialog';
import { parseListOptions, sortListing, parseGetOptions, wanted, LIST_OPTIONS_ARG, GET_OPTIONS_ARG, type Listed } from './file-options';

const ACTIVELOG_DIR = '/var/log/active';

function tree(ctx: CommandContext): LogFile[] {
  return activeLogFiles(ctx.lab.recentEvents(ACTIVELOG_EVENTS, ctx.cluster.name), ctx.session.node);
}

/** "02 Dec,2004 12:00:59" then a right-aligned size or <dir>, then the name (cli.md 1.4). */
export function detailLine(e: Listed, timeZone: string): string {
  const p = dateParts(new Date(e.modified), timeZone);
  const when = `${p.day} ${p.month},${p.year} ${p.hour}:${p.minute}:${p.second}`;
  return e.dir ? `${when}${'<dir>'.padStart(11)}    ${e.name}` : `${when}${e.size.toLocaleString('en-US').padStart(13)}  ${e.name}`;
}

/** Splits a file-spec into the directory it names and a pattern for the names in it. */
function resolveSpec(files: LogFile[], spec: string): { dir: string; match: (n: string) => boolean } | null {
  const clean = spec.replace(/^\/+|\/+$/g, '');
  if (clean.split('/').some((p) => p === '..' || p === '.')) return null;
  if (entriesIn(files, clean)) return { dir: clean, match: () => true };
  const slash = clean.lastIndexOf('/');
  const dir = slash < 0 ? '' : clean.slice(0, slash);
  if (!entriesIn(files, dir)) return null;
  return { dir, match: fileSpecMatcher(clean.slice(slash + 1)) };
}

export const activelogCommands: CommandSpec[] = [
  {
    path: 'file list activelog',
    privilege: 0,
    args: [{ name: 'file-spec', describe: 'file to view', required: true }, LIST_OPTIONS_ARG],
    description: ['This will list active logging files', '', 'options are:', 'page    - pause output', 'detail  - show detailed listing', 'reverse - reverse sort order', 'date    - sort by date', 'size    - sort by size', '', "file-spec can contain '*' as wildcards"],
    example: ['file list activelog platform/log detail'],
    async run(ctx, args) {
      const o = parseListOptions(args.options);
      const files = tree(ctx);
      const where = resolveSpec(files, args['file-spec']);
      if (!where) throw new CliError([`No such file or directory: ${args['file-spec']}`]);
      const entries = sortListing(entriesIn(files, where.dir)!.filter((e) => where.match(e.name)), o);
      for (const e of entries) ctx.line(o.detail ? detailLine(e, ctx.cluster.timeZone) : e.dir ? `${e.name}/` : e.name);
      ctx.line(`dir count = ${entries.filter((e) => e.dir).length}, file count = ${entries.filter((e) => !e.dir).length}`);
    },
  },
  {
    path: 'file get activelog',
    privilege: 0,
    args: [{ name: 'file-spec', describe: 'file to send; may contain * as wildcard', required: true }, GET_OPTIONS_ARG],
    description: [
      'This command sends active log files to another system by using SFTP. After the command identifies',
      'the specified files, you get prompted to enter an SFTP host, username, and password.',
    ],
    example: ['file get activelog platform/log/diag1.log'],
    async run(ctx, args) {
      const o = parseGetOptions(args.options, ctx.clock.nowMs());
      const files = tree(ctx);
      const where = resolveSpec(files, args['file-spec']);
      if (!where) throw new CliError([`No such file or directory: ${args['file-spec']}`]);
      const prefix = where.dir === '' ? '' : `${where.dir}/`;
      const chosen = files.filter((f) => {
        if (!f.path.startsWith(prefix)) return false;
        const rest = f.path.slice(prefix.length);
        const name = rest.split('/')[0];
        if (!rest.includes('/') ? !where.match(rest) : !o.recurs || !where.match(name)) return false;
        return wanted(o, rest.split('/').pop()!, f.modified);
      });
      if (chosen.length === 0) throw new CliError(['No files matched the file specification.']);
      ctx.line('Please wait while the system is gathering files info ...');
      for (const f of chosen) ctx.line(`Get file: ${ACTIVELOG_DIR}/${f.path}`);
      let out: OutgoingFile[] = chosen.map((f) => ({ name: f.path.replace(/\//g, '_'), content: f.content }));
      if (o.compress) out = compressFiles(out);
      ctx.lines([
        'done.',
        o.recurs ? 'Sub-directories were traversed.' : 'Sub-directories were not traversed.',
        `Number of files affected: ${out.length}`,
        `Total size in Bytes: ${out.reduce((n, f) => n + f.content.length, 0)}`,
        `Total size in Kbytes: ${(out.reduce((n, f) => n + f.content.length, 0) / 1024).toFixed(4)}`,
      ]);
      if (!(await ctx.confirm('Would you like to proceed [y/n]? '))) return;
      ctx.line('');
      const target = await askSftpTarget(ctx);
      const dir = (await ctx.ask('Download directory: ')).trim() || '/';
      ctx.line('');
      await sftpStep(() => exportFiles(ctx.cluster, ctx.actor, out, target, dir, () => ctx.line('.')));
      ctx.line('Transfer completed.');
    },
  },
];
