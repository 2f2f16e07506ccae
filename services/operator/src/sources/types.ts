import type { Reading } from "../decide/push";

/** A source of the latest price of one feed. */
export interface PriceSource {
  readonly name: string;
  /** The latest reading at `now` (seconds), or undefined when the source has none yet. */
  latest(now: number): Promise<Reading | undefined>;
}
