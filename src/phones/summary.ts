// The phones of a cluster counted by state, for the dashboard and `sim report phones summary`: the store
// aggregates, so a count costs one query however large the fleet.

/** A phone that stays unregistered because it refused a trust list or its signed configuration: it
 *  stays so until its trust list is deleted by hand (or the files it trusts come back). */
export function lockedOut(status: string): boolean {
  return status === 'Trust List update failed' || status === 'CTL update failed' || status.startsWith('File auth error');
}

export interface PhoneSummary {
  total: number;
  registered: number;
  rebooting: number;
  lockedOut: number;
  /** unregistered for another reason (TFTP timeout, no CallManager, no trust list yet...) */
  unregistered: number;
  rejected: number;
  /** phones neither registered nor rebooting, by the status they show; most first */
  reasons: { reason: string; phones: number }[];
}

/** Most reasons listed; the rest are summed into one line. */
export const MAX_REASONS = 12;

/** Counts by registration state and status, each with how many of them are rebooting (store order). */
export function summarize(counts: { reg_state: string; status: string; n: number; rebooting: number }[]): PhoneSummary {
  const s: PhoneSummary = { total: 0, registered: 0, rebooting: 0, lockedOut: 0, unregistered: 0, rejected: 0, reasons: [] };
  const reasons = new Map<string, number>();
  for (const { reg_state: state, status, n: all, rebooting } of counts) {
    s.total += all;
    s.rebooting += rebooting;
    const n = all - rebooting;
    if (!n) continue;
    if (state === 'reg') s.registered += n;
    else {
      if (lockedOut(status)) s.lockedOut += n;
      else if (state === 'rej') s.rejected += n;
      else s.unregistered += n;
      const reason = status || (state === 'rej' ? 'Rejected' : 'Unregistered');
      reasons.set(reason, (reasons.get(reason) ?? 0) + n);
    }
  }
  const sorted = [...reasons].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  s.reasons = sorted.slice(0, MAX_REASONS).map(([reason, phones]) => ({ reason, phones }));
  const rest = sorted.slice(MAX_REASONS).reduce((n, [, k]) => n + k, 0);
  if (rest) s.reasons.push({ reason: 'other reasons', phones: rest });
  return s;
}
