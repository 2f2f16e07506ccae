// Replay source: a file of timestamped prices, for tests and demos.
//
// JSON: [{"t": <seconds>, "price": "<decimal>"}, ...], or CSV lines "t,price" (a header line
// is allowed). `t` is either absolute (seconds since the epoch, chain time) or, with
// `relative: true`, seconds after the chain time of the service's first start (kept in the
// state file, so a restart continues the replay rather than starting it over). The reading at `now` is the last row with t <= now, and
// its publish time is `now` rounded down to the replay's `publish_step_seconds` (1 by
// default): a replay keeps publishing fresh readings of the current row like a live feed.
import { readFileSync } from "node:fs";
import { parseDec, formatDec } from "../decimal";
import type { Reading } from "../decide/push";
import type { PriceSource } from "./types";

export interface ReplayRow {
  t: number;
  price: string;
}

export function parseReplay(text: string, fileName = "replay"): ReplayRow[] {
  const trimmed = text.trim();
  let rows: ReplayRow[];
  if (trimmed.startsWith("[")) {
    const data = JSON.parse(trimmed) as Array<{ t: number; price: string | number }>;
    rows = data.map((r) => ({ t: Number(r.t), price: String(r.price) }));
  } else {
    rows = [];
    for (const line of trimmed.split(/\r?\n/)) {
      const l = line.trim();
      if (!l || l.startsWith("#")) continue;
      const [t, price] = l.split(",").map((x) => x.trim());
      if (!/^\d+(\.\d+)?$/.test(t)) continue; // header
      rows.push({ t: Number(t), price });
    }
  }
  for (const [i, r] of rows.entries()) {
    if (!Number.isFinite(r.t)) throw new Error(`${fileName}: row ${i}: bad time`);
    if (parseDec(r.price) <= 0n) throw new Error(`${fileName}: row ${i}: price must be positive`);
    r.price = formatDec(parseDec(r.price));
  }
  rows.sort((a, b) => a.t - b.t);
  return rows;
}

export function replayAt(rows: ReplayRow[], t: number): ReplayRow | undefined {
  let found: ReplayRow | undefined;
  for (const r of rows) {
    if (r.t <= t) found = r;
    else break;
  }
  return found;
}

export class ReplaySource implements PriceSource {
  readonly name: string;
  private rows: ReplayRow[];
  constructor(
    private file: string,
    private opts: { relative?: boolean; start?: number; publish_step_seconds?: number } = {},
  ) {
    this.name = `replay:${file}`;
    this.rows = parseReplay(readFileSync(file, "utf8"), file);
  }
  async latest(now: number): Promise<Reading | undefined> {
    // Re-read the file so a test or demo can append rows while the service runs.
    try {
      this.rows = parseReplay(readFileSync(this.file, "utf8"), this.file);
    } catch {
      /* keep the last good rows */
    }
    const t = this.opts.relative ? now - (this.opts.start ?? now) : now;
    const row = replayAt(this.rows, t);
    if (!row) return undefined;
    const step = this.opts.publish_step_seconds ?? 1;
    return { price: row.price, publish_time: Math.floor(now / step) * step };
  }
}
