// Every command family, in the order help lists them (platform commands first, then `sim`).
import type { CommandSpec } from '../src/cli/command';
import { sessionCommands } from './session';
import { systemCommands } from './show-system';
import { serviceCommands } from './utils-service';
import { showCertCommands } from './show-cert';
import { systemRestartCommands } from './utils-system';

export function allCommands(): CommandSpec[] {
  return [...sessionCommands, ...systemCommands, ...showCertCommands, ...serviceCommands, ...systemRestartCommands];
}
