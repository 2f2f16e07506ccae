// What an engine or fund error means to a keeper. Races with other keepers and work already
// done are not failures: the action's goal holds, so it counts as done by someone (`benign`).
// A transient error (network, sequence mismatch, node behind) is retried; anything else is a
// failure, logged and counted, and the action is tried again next round.
import { contractErrorText } from "@tranche-perps/client";

export type Outcome = "benign" | "retry" | "wait" | "fatal";

const BENIGN: RegExp[] = [
  /^no position of \S+ in \S+$/, // closed or liquidated by someone else
  /^position is healthy: equity/, // NotLiquidatable: someone added margin, or a race
  /^funding is already accrued up to now$/, // FundingNotDue: another keeper settled in this block
  /^withdrawal request \d+ not found$/, // claimed, cancelled or expired already
  /^the engine owes the sender nothing$/, // NothingOwed
  /^publish time \d+ is not after the sender's last one \d+$/, // PriceNotNewer: our push landed already
];

const WAIT: RegExp[] = [
  /^liquidations in \S+ already sold .* liquidate again in a later block$/, // LiquidationDepthReached
  /^the mark of \S+ is .* liquidate once trading brings it back$/, // LiquidationBandReached
  /^index price of \S+ is stale/, // StalePrice
  /^no index price for \S+$/, // NoPrice
  /^the claim window of withdrawal request \d+ is open until \d+$/, // RequestNotLapsed (clock skew)
  /^liquidation is paused$/,
  /^the engine is halted$/,
  /^publish time \d+ is in the future/, // node clock behind the source
];

const RETRY: RegExp[] = [
  /account sequence mismatch/i,
  /incorrect account sequence/i,
  /tx already exists in cache/i,
  /timed out waiting for tx/i,
  /was submitted but was not yet found on the chain/i,
  /(?:ECONNREFUSED|ECONNRESET|ETIMEDOUT|socket hang up|fetch failed|Bad status on response: 5\d\d|network error)/i,
];

export function classify(err: unknown): Outcome {
  const text = contractErrorText(err);
  if (BENIGN.some((r) => r.test(text))) return "benign";
  if (WAIT.some((r) => r.test(text))) return "wait";
  const raw = err instanceof Error ? err.message : String(err);
  if (RETRY.some((r) => r.test(text) || r.test(raw))) return "retry";
  return "fatal";
}

export function isSequenceMismatch(err: unknown): boolean {
  const raw = err instanceof Error ? err.message : String(err);
  return /account sequence mismatch|incorrect account sequence/i.test(raw);
}
