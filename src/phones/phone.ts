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
