// When to settle funding, sweep premium, expire withdrawal requests and claim owed payouts.

/**
 * Funding settle is due for a market when its funding clock is at least one
 * `funding_interval_seconds` behind the block time, it has an index and the engine is not
 * halted. Funding accrues continuously whoever settles (docs/engine.md#funding); settling each
 * interval keeps the accrued figures current for traders and the monitor.
 */
export function fundingDue(
  m: { last_funding_time: string | number; funding_interval_seconds: number; has_index: boolean },
  now: number,
  halted = false,
): boolean {
  if (halted || !m.has_index) return false;
  return now - Number(m.last_funding_time) >= m.funding_interval_seconds;
}

/** The next time funding settle becomes due (seconds). */
export function nextFundingTime(m: { last_funding_time: string | number; funding_interval_seconds: number }): number {
  return Number(m.last_funding_time) + m.funding_interval_seconds;
}

export interface SweepInput {
  unsplit_fees: string;
  pending_premium: string;
  /** The keeper's threshold (base units); the sweep is due once the fees reach it. */
  threshold: bigint;
  /** Seconds since the keeper's last sweep (Infinity when none). */
  since_last: number;
  /** Sweep anything above zero after this many seconds even below the threshold. */
  max_interval_seconds: number;
}

/** A sweep is due when unsplit fees plus pending premium reach the threshold, or anything is waiting and the last sweep is older than the maximum interval. */
export function sweepDue(s: SweepInput): boolean {
  const waiting = BigInt(s.unsplit_fees) + BigInt(s.pending_premium);
  if (waiting === 0n) return false;
  if (waiting >= s.threshold) return true;
  return s.since_last >= s.max_interval_seconds;
}

export interface TrackedRequest {
  id: number;
  claim_deadline: number;
}

/**
 * The tracked withdrawal requests whose claim window has closed (the fund refuses before
 * `claim_deadline`, so a request lapses at `now >= claim_deadline`), oldest first.
 */
export function lapsedRequests(requests: TrackedRequest[], now: number, limit = Infinity): number[] {
  return requests
    .filter((r) => now >= r.claim_deadline)
    .sort((a, b) => a.claim_deadline - b.claim_deadline || a.id - b.id)
    .slice(0, limit)
    .map((r) => r.id);
}

/** Claim owed payouts once they reach a minimum worth a transaction's fee. */
export function claimOwedDue(owed: string, min: bigint): boolean {
  const v = BigInt(owed);
  return v > 0n && v >= min;
}
