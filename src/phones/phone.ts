// A phone as the lab keeps it: its device record, where it boots from, and what it holds.

export interface PhoneRow {
  name: string;
  /** the cluster whose database holds the device */
  cluster: string;
  /** DHCP option 150: the TFTP addresses the phone boots from, comma-separated */
  tftp: string;
  position: number;
  model: string;
  mac: string;
  device_pool: string;
  description: string;
  ctl_hash: string | null;
  itl_hash: string | null;
  config_hash: string | null;
  reg_state: 'reg' | 'unr' | 'rej';
  reg_node: string | null;
  reg_changed_at: string;
  status: string;
  reboot_until: string | null;
}

/** Phones a command names: all of a cluster's, a device pool's (any case), or one by name. */
export interface PhoneScope {
  cluster: string;
  pool?: string;
  name?: string;
}

/**
 * What boots changed on phones that ended alike: a trust list undefined where the phones kept theirs,
 * `reg_changed_at` null where the registration state did not change.
 */
export interface PhoneSettlement {
  names: string[];
  ctl_hash?: string | null;
  itl_hash?: string | null;
  reg_state: PhoneRow['reg_state'];
  reg_node: string | null;
  status: string;
  reg_changed_at: string | null;
}

/** What RIS reports of a phone. */
export type RisPhone = Pick<PhoneRow, 'name' | 'description' | 'position' | 'mac' | 'model' | 'reg_state' | 'reg_changed_at'>;

/** What a boot reads of a phone. */
export type BootingPhone = Pick<PhoneRow, 'name' | 'cluster' | 'tftp' | 'model' | 'device_pool' | 'ctl_hash' | 'itl_hash' | 'config_hash' | 'reg_state' | 'reg_node' | 'status'>;
