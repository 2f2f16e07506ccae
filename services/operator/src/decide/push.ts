// When a feeder pushes a price.
//
// - Never a reading older than (or as old as) the last one pushed: the engine refuses it
//   (`PriceNotNewer`) and an old price can only make the index worse.
// - A reading that moved more than `deviation` from the last pushed price is pushed at once.
// - Otherwise the price is pushed when the last push is `heartbeat_seconds` old; the heartbeat
//   must be well inside the market's `oracle_max_age_seconds` (config validation enforces at
//   most half) so the index never goes stale while a source answers.
// - A reading that jumped more than `max_jump` from the last pushed price is held until a
//   second reading, at least as new and on the same side beyond the bound, confirms it; the
//   confirmed push uses the newer reading.
import { parseDec, relDiff } from "../decimal";

export interface Reading {
  /** Decimal string. */
  price: string;
  /** Seconds. */
  publish_time: number;
}

export interface PushPolicy {
  deviation: number;
  heartbeat_seconds: number;
  max_jump: number;
  /** Readings older than this (seconds) are never pushed. */
  max_reading_age_seconds: number;
}

export interface PushMemory {
  last_pushed?: Reading;
  /** A jump held for confirmation. */
  pending_jump?: Reading;
}

export type PushDecision =
  | { push: true; reading: Reading; reason: "first" | "deviation" | "heartbeat" | "confirmed_jump"; memory: PushMemory }
  | { push: false; reason: "not_newer" | "too_old" | "unchanged" | "jump_held"; memory: PushMemory };

export function decidePush(reading: Reading, mem: PushMemory, policy: PushPolicy, now: number): PushDecision {
  if (now - reading.publish_time > policy.max_reading_age_seconds) {
    return { push: false, reason: "too_old", memory: mem };
  }
  const last = mem.last_pushed;
  if (!last) {
    return { push: true, reading, reason: "first", memory: { last_pushed: reading } };
  }
  if (reading.publish_time <= last.publish_time) {
    return { push: false, reason: "not_newer", memory: mem };
  }
  const price = parseDec(reading.price);
  const lastPrice = parseDec(last.price);
  const move = relDiff(price, lastPrice);
  if (move > policy.max_jump) {
    const pending = mem.pending_jump;
    const sameSide = pending && parseDec(pending.price) > lastPrice === price > lastPrice;
    if (pending && sameSide && relDiff(parseDec(pending.price), lastPrice) > policy.max_jump && reading.publish_time > pending.publish_time) {
      return { push: true, reading, reason: "confirmed_jump", memory: { last_pushed: reading } };
    }
    return { push: false, reason: "jump_held", memory: { ...mem, pending_jump: reading } };
  }
  // Within the bound: any held jump was a blip.
  const memory: PushMemory = { last_pushed: last };
  if (move >= policy.deviation) return { push: true, reading, reason: "deviation", memory: { last_pushed: reading } };
  if (reading.publish_time - last.publish_time >= policy.heartbeat_seconds || now - last.publish_time >= policy.heartbeat_seconds) {
    return { push: true, reading, reason: "heartbeat", memory: { last_pushed: reading } };
  }
  return { push: false, reason: "unchanged", memory };
}
