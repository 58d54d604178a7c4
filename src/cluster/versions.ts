// Behaviour that differs by CUCM release, looked up from one table keyed by the cluster version.

export interface VersionProfile {
  /** release train the profile stands for */
  release: '10.5' | '11.5' | '12.5' | '14' | '15';
  unifiedOsVersion: string;
  /** who signs the ITL and the tokenless CTL in normal operation */
  normalSigner: 'CallManager' | 'ITLRecovery';
  /** utils ctl messages: 10.x asks to restart TFTP and CallManager, 12.x+ to reset phones */
  ctlMessages: 'restart-tftp-callmanager' | 'reset-phones';
  /** ITLRecovery validity in years on fresh install or regeneration */
  itlRecoveryYears: number;
  /** 15.x lets the admin choose ITLRecovery validity from these */
  itlRecoveryChoices?: number[];
  /** CAPF certificate only on the publisher (14+) */
  capfPublisherOnly: boolean;
  /**
   * After a certificate regeneration (wave2-cli.md §4.1): 'manual' (12.5 and earlier) leaves every
   * service restart to the admin; 'without-restarts' (14+) puts CallManager in use at once (no
   * CallManager/CTIManager restart) and CAPF restarts itself.
   */
  regenRestarts: 'manual' | 'without-restarts';
  /**
   * Phones reset on their own when a TVS, CAPF, CallManager or ITLRecovery change rebuilds the ITL
   * they hold: 'always' (12.5 and earlier: they "might"), or as the enterprise parameter Phone
   * Interaction on Certificate Update says (14+, default automatic).
   */
  phoneResetOnCertUpdate: 'always' | 'parameter';
  /** the ITL carries the TFTP node's CallManager-ECDSA certificate (11.0 added it for ECDSA devices) */
  itlEcdsa: boolean;
}

const PROFILES: VersionProfile[] = [
  { release: '10.5', unifiedOsVersion: '6.0.0.0-2', normalSigner: 'CallManager', ctlMessages: 'restart-tftp-callmanager', itlRecoveryYears: 5, capfPublisherOnly: false, regenRestarts: 'manual', phoneResetOnCertUpdate: 'always', itlEcdsa: false },
  { release: '11.5', unifiedOsVersion: '6.0.0.0-2', normalSigner: 'CallManager', ctlMessages: 'restart-tftp-callmanager', itlRecoveryYears: 5, capfPublisherOnly: false, regenRestarts: 'manual', phoneResetOnCertUpdate: 'always', itlEcdsa: true },
  { release: '12.5', unifiedOsVersion: '7.0.0.0-4', normalSigner: 'ITLRecovery', ctlMessages: 'reset-phones', itlRecoveryYears: 20, capfPublisherOnly: false, regenRestarts: 'manual', phoneResetOnCertUpdate: 'always', itlEcdsa: true },
  { release: '14', unifiedOsVersion: '7.0.0.0-4', normalSigner: 'ITLRecovery', ctlMessages: 'reset-phones', itlRecoveryYears: 20, capfPublisherOnly: true, regenRestarts: 'without-restarts', phoneResetOnCertUpdate: 'parameter', itlEcdsa: true },
  { release: '15', unifiedOsVersion: '8.0.0.0-1', normalSigner: 'ITLRecovery', ctlMessages: 'reset-phones', itlRecoveryYears: 5, itlRecoveryChoices: [5, 10, 15, 20], capfPublisherOnly: true, regenRestarts: 'without-restarts', phoneResetOnCertUpdate: 'parameter', itlEcdsa: true },
];

export class UnsupportedVersion extends Error {}

/** Maps a full version string (e.g. 14.0.1.13900-155) to its profile. */
export function versionProfile(version: string): VersionProfile {
  const m = /^(\d+)\.(\d+)\.\d+\.\d+-\d+$/.exec(version);
  if (!m) throw new UnsupportedVersion(`version ${version} is not of the form 14.0.1.13900-155`);
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const release =
    major === 10 ? '10.5' : major === 11 ? '11.5' : major === 12 ? '12.5' : major === 14 ? '14' : major === 15 ? '15' : null;
  if (!release || (major === 10 && minor < 5) || (major === 11 && minor < 5)) {
    throw new UnsupportedVersion(`version ${version} is not simulated (supported: 10.5, 11.5, 12.x, 14, 15)`);
  }
  return PROFILES.find((p) => p.release === release)!;
}
