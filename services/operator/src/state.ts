// The service's progress, in one small JSON file written atomically (write a temporary file
// in the same directory, fsync it, rename it over the old one, fsync the directory), so a
// `kill -9` leaves either the old or the new file, never a torn one.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { PushMemory } from "./decide/push";

export interface TrackedPosition {
  size: string;
  liquidation_price?: string | null;
  /** Margin net of funding, floored at zero, and open notional, as last read (absent in older state files). */
  margin?: string;
  open_notional?: string;
}

export interface PendingTx {
  kind: string;
  key: string;
  hash: string;
  /** A height after which it is given up when not found (0 until first looked up). */
  height: number;
  /** The signing address. */
  signer: string;
}

export interface OperatorState {
  version: 1;
  /** Engine events are scanned up to and including this height. */
  engine_scan_height: number;
  /** trader -> market -> what the keeper last read. */
  positions: Record<string, Record<string, TrackedPosition>>;
  /** Traders whose positions must be re-read (touched by an event since the last read). */
  dirty: string[];
  /** Withdrawal requests below this id have been read. */
  next_request_id: number;
  /** Open withdrawal requests: id -> claim deadline (seconds). */
  requests: Record<string, number>;
  last_sweep_time: number;
  /** Per pusher (feeder address + market): what it pushed last and any held jump. */
  pushers: Record<string, PushMemory>;
  /** When each relative replay file started (seconds), so a restart continues it. */
  replay_starts: Record<string, number>;
  /** Transactions broadcast and not yet known to be in a block, by hash. */
  pending: Record<string, PendingTx>;
  /** Counts of actions done by this service (for the restart test and the operator). */
  done: Record<string, number>;
}

export function emptyState(startHeight: number): OperatorState {
  return {
    version: 1,
    engine_scan_height: Math.max(0, startHeight - 1),
    positions: {},
    dirty: [],
    next_request_id: 1,
    requests: {},
    last_sweep_time: 0,
    pushers: {},
    replay_starts: {},
    pending: {},
    done: {},
  };
}

export function loadState(path: string, startHeight: number): OperatorState {
  if (!existsSync(path)) return emptyState(startHeight);
  const s = JSON.parse(readFileSync(path, "utf8")) as OperatorState;
  if (s.version !== 1) throw new Error(`${path}: unknown state version ${s.version}`);
  return { ...emptyState(startHeight), ...s };
}

export function saveState(path: string, state: OperatorState): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeSync(fd, JSON.stringify(state));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  try {
    const dfd = openSync(dirname(path), "r");
    fsyncSync(dfd);
    closeSync(dfd);
  } catch {
    /* directories cannot be fsynced on every platform */
  }
}
