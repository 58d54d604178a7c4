// The login banner and first prompt of the default cluster (etc/cluster.yaml), byte for byte.
export const BANNER =
  'Command Line Interface is starting up, please wait ...\r\n' +
  '\r\n' +
  '   Welcome to the Platform Command Line Interface\r\n' +
  '\r\n' +
  'VMware Installation:\r\n' +
  '\t2 vCPU: Intel(R) Xeon(R) CPU E5-2630 v3 @ 2.40GHz\r\n' +
  '\tDisk 1: 80GB, Partitions aligned\r\n' +
  '\t6144 Mbytes RAM\r\n' +
  '\r\n' +
  'admin:';
