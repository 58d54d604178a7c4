// Small rules several command families share.
import { CliError, type CommandContext } from '../src/cli/command';
import { unitDefinition } from '../src/cluster/units';
import { wildcardMatcher } from '../src/text/wildcard';

/** Commands CUCM runs only on the publisher refuse elsewhere. */
export function requirePublisher(ctx: CommandContext): void {
  if (!ctx.cluster.isPublisher(ctx.session.node)) {
    const pub = ctx.cluster.publisher().name;
    throw new CliError([`This command can be run only on the publisher (${pub}); it is disabled on this node.`]);
  }
}

/**
 * A unit that exists only on the publisher (ITLRecovery always, CAPF from 14: the version profile
 * says) is refused elsewhere, by every command that works on it.
 */
export function requireUnitHere(ctx: CommandContext, unit: string): void {
  const def = unitDefinition(unit);
  if (def?.publisherOnly(ctx.cluster.profile)) requirePublisher(ctx);
}

/** `*` wildcards of a file-spec, as `file list` and `file get` take them. */
export function fileSpecMatcher(spec: string): (name: string) => boolean {
  return wildcardMatcher(spec);
}
