// The login banner, byte for byte as VOS prints it (3-space indent, TAB-indented hardware lines).
import type { ClusterConfig } from '../cluster/config';

export const PROMPT = 'admin:';
export const FAILURE = 'Executed command unsuccessfully';

export function bannerLines(hw: ClusterConfig['hardware']): string[] {
  return [
    'Command Line Interface is starting up, please wait ...',
    '',
    '   Welcome to the Platform Command Line Interface',
    '',
    `${hw.platform}:`,
    `\t${hw.cpu}`,
    `\t${hw.disk}`,
    `\t${hw.ramMb} Mbytes RAM`,
    '',
  ];
}
