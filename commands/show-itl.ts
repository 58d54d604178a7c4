// show itl, show ctl: the checksums and the parsed dump of this node's files.
import type { CommandSpec, CommandContext } from '../src/cli/command';
import { renderTrustList } from '../src/tlv';
import { ITL_FILE, CTL_FILE, ITL_SIZE_LIMIT } from '../src/cluster/trustfiles';

function show(ctx: CommandContext, kind: 'ITL' | 'CTL'): void {
  const file = ctx.cluster.tftp.file(ctx.session.node, kind === 'ITL' ? ITL_FILE : CTL_FILE);
  const lines = renderTrustList(kind, file?.content ?? null, new Date(file?.modified_at ?? 0), ctx.cluster.timeZone);
  if (kind === 'ITL' && file && file.content.length > ITL_SIZE_LIMIT) {
    const at = lines.findIndex((l) => l.startsWith('Length of ITL file'));
    lines.splice(at + 1, 0, `WARNING: The ITL file is larger than 64 KB; phones cannot load it and fail to register.`);
  }
  ctx.lines(lines);
}

export const showItlCommands: CommandSpec[] = [
  {
    path: 'show itl',
    privilege: 0,
    description: ['This command displays the ITL file contents or prints an error message if the ITL file is invalid.'],
    run: async (ctx) => show(ctx, 'ITL'),
  },
  {
    path: 'show ctl',
    privilege: 0,
    description: ['This command displays the contents of the Certificate Trust List (CTL) file on the server.', 'It notifies you if the CTL is invalid.'],
    run: async (ctx) => show(ctx, 'CTL'),
  },
];
