// The SFTP questions `file get` and `utils itl reset remotekey` ask, as the VOS CLI asks them.
import { CliError, type CommandContext } from '../src/cli/command';
import { SftpError, type SftpTarget } from '../src/cluster/transfers';

export async function askSftpTarget(ctx: CommandContext, host?: string, user?: string): Promise<SftpTarget> {
  const h = host ?? (await ctx.ask('SFTP server IP: ')).trim();
  const portText = (await ctx.ask('SFTP server port [22]: ')).trim();
  const port = portText === '' ? 22 : Number(portText);
  if (!h) throw new CliError(['No SFTP server was entered.']);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new CliError([`Invalid port: ${portText}`]);
  const username = user ?? (await ctx.ask('User ID: ')).trim();
  const password = await ctx.ask('Password: ', { mask: '*' });
  return { host: h, port, username, password };
}

/** Turns an SFTP failure into the CLI's failure lines. */
export async function sftpStep<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof SftpError) throw new CliError([`Transfer failed: ${e.message}`]);
    throw e;
  }
}
