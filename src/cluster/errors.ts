// Errors of the cluster model; their message is fit to show an admin.
export class ClusterError extends Error {}
