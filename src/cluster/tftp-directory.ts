// The TFTP directory of each node as Cisco Tftp and the CTL Provider keep it: the ITL (rebuilt only when
// its contents change), the CTL, the reset ITL of `utils itl reset`, and file deletion.
import type { Cluster, Actor } from './cluster';
import type { TftpFileRow } from '../store/repository';
import {
  planItl, planCtl, planKey, buildTrustFile, ITL_FILE,
  type TrustState, type CertRef, type KeyPair, type TrustFilePlan,
} from './trustfiles';
import { TFTP, CAPF_SERVICE, CALLMANAGER, TVS_SERVICE } from './service-manager';

export class TftpDirectory {
  constructor(private readonly cluster: Cluster) {}

  /** What the ITL and CTL are built from: nodes, services, security mode, rollback parameter. */
  state(): TrustState {
    const pub = this.cluster.publisher().name;
    return {
      profile: this.cluster.profile,
      publisher: pub,
      nodes: this.cluster.nodes().map((n) => ({
        name: n.name,
        ip: n.ip,
        tftp: this.cluster.services.activated(n.name, TFTP),
        callManager: this.cluster.services.activated(n.name, CALLMANAGER),
        tvs: this.cluster.services.activated(n.name, TVS_SERVICE),
      })),
      capfActive: this.cluster.services.activated(pub, CAPF_SERVICE),
      mixedMode: this.cluster.settings.mixedMode,
      rollback: this.cluster.settings.enterpriseParameter('Prepare Cluster for Rollback to pre-8.0') === 'True',
    };
  }

  private ipOf = (server: string): string => this.cluster.node(server).ip;

  private writeTrustFile(
    node: string, plan: TrustFilePlan, spec: string, signerName: string,
    cert: (r: CertRef) => KeyPair = (r) => this.cluster.certificates.keyPair(r), signer?: KeyPair, reset = false,
    at: Date = this.cluster.clock.now(),
  ): void {
    const content = buildTrustFile(plan, cert, this.ipOf, at, signer);
    this.cluster.repo.putTftpFile({ node, name: plan.fileName, content, modified_at: at.toISOString(), spec, signer: signerName, reset: reset ? 1 : 0 });
  }

  /**
   * Rebuilds every ITL whose contents changed (TFTP keeps an unchanged ITL byte for byte: "Tftp Itl
   * hash not changed"). Nodes in `restarted` had Cisco Tftp (re)started: a reset ITL there gives way
   * to the normal one. Runs inside the caller's transaction; returns the nodes whose ITL was rebuilt.
   */
  refresh(actor: Actor | null, restarted: string[] = []): string[] {
    const state = this.state();
    const rebuilt: string[] = [];
    for (const n of state.nodes) {
      const current = this.cluster.repo.tftpFile(n.name, ITL_FILE);
      if (!n.tftp) {
        if (current) this.cluster.repo.deleteTftpFile(n.name, ITL_FILE);
        continue;
      }
      const plan = planItl(state, n.name);
      const spec = planKey(plan, (r) => this.cluster.certificates.keyPair(r));
      const keep = current && current.spec === spec && (!current.reset || !restarted.includes(n.name));
      if (keep) continue;
      this.writeTrustFile(n.name, plan, spec, plan.signer.unit);
      this.cluster.record(actor, 'itl-built', { node: n.name, signer: plan.signer.unit, records: plan.records.length });
      rebuilt.push(n.name);
    }
    return rebuilt;
  }

  files(node: string): TftpFileRow[] {
    return this.cluster.repo.tftpFiles(node);
  }
  file(node: string, name: string): TftpFileRow | undefined {
    return this.cluster.repo.tftpFile(node, name);
  }

  /**
   * utils itl reset localkey|remotekey: the publisher's ITL signed by another key (the publisher's
   * CallManager key on 12.0+, ITLRecovery before; or a key imported from ITLRecovery.p12), sent to
   * every active TFTP node. Returns those nodes.
   */
  resetItl(actor: Actor, imported?: KeyPair): string[] {
    return this.cluster.store.transaction(() => {
      const state = this.state();
      const pub = state.publisher;
      const plan = planItl(state, pub);
      const resetSigner: CertRef = state.profile.normalSigner === 'ITLRecovery' ? { node: pub, unit: 'CallManager' } : { node: pub, unit: 'ITLRecovery' };
      const signer = imported ?? this.cluster.certificates.keyPair(resetSigner);
      // An imported recovery key stands in for the ITLRecovery SAST record, so the file names its signer.
      // Otherwise the SAST record carries the newest ITLRecovery of the store, waiting for the Tftp
      // restart or not: that is how the phones learn a regenerated one (Security Guide, step 3).
      const cert = (r: CertRef) =>
        r.unit === 'ITLRecovery' ? imported ?? this.cluster.certificates.storedKeyPair(r) : this.cluster.certificates.keyPair(r);
      const signerRef = imported ? { node: pub, unit: 'ITLRecovery' as const } : resetSigner;
      const targets = this.cluster.services.activeTftpNodes();
      const at = this.cluster.clock.now(); // the same reset ITL on every node
      for (const node of targets) {
        const normal = planKey(planItl(state, node), (r) => this.cluster.certificates.keyPair(r));
        this.writeTrustFile(node, { ...plan, signer: signerRef }, normal, imported ? 'ITLRecovery.p12' : resetSigner.unit, cert, signer, true, at);
      }
      this.cluster.record(actor, 'itl-reset', { signer: imported ? 'ITLRecovery.p12' : resetSigner.unit, nodes: targets });
      return targets;
    });
  }

  /**
   * utils ctl: builds the tokenless CTL and puts the same file on every node. `mode` sets the
   * cluster security mode; `signWith` overrides the signer (reset localkey signs with CallManager).
   */
  writeCtl(actor: Actor, opts: { mixed: boolean; signWith?: 'CallManager' }): void {
    this.cluster.store.transaction(() => {
      const wasMixed = this.cluster.settings.mixedMode;
      this.cluster.repo.setSecurityMode(this.cluster.name, opts.mixed);
      const state = this.state();
      const plan = planCtl(state, opts.mixed);
      if (opts.signWith) plan.signer = { node: state.publisher, unit: opts.signWith };
      const stored = (r: CertRef) => this.cluster.certificates.storedKeyPair(r);
      const spec = planKey(plan, stored);
      // One time stamp, so every node gets the same CTL bytes.
      const at = this.cluster.clock.now();
      for (const n of state.nodes) this.writeTrustFile(n.name, plan, spec, plan.signer.unit, stored, undefined, false, at);
      this.cluster.record(actor, 'ctl-built', { mixed: opts.mixed, wasMixed, signer: plan.signer.unit });
      this.refresh(actor);
    });
  }

  delete(actor: Actor, name: string): boolean {
    return this.cluster.store.transaction(() => {
      const deleted = this.cluster.repo.deleteTftpFile(actor.node, name);
      if (deleted) this.cluster.record(actor, 'tftp-file-deleted', { name });
      return deleted;
    });
  }
}
