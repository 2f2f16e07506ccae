// Hermes source: Pyth's public price service, `GET {endpoint}/v2/updates/price/latest?ids[]=<id>`.
// The answer's `parsed[]` holds one entry per feed: `{id, price: {price, conf, expo,
// publish_time}, ema_price: {...}, metadata: {...}}`; the price is `price * 10^expo`.
import { fromExpo, formatDec } from "../decimal";
import type { Reading } from "../decide/push";
import type { PriceSource } from "./types";

export interface HermesPrice {
  price: string;
  conf: string;
  expo: number;
  publish_time: number;
}

export interface HermesParsed {
  id: string;
  price: HermesPrice;
  ema_price?: HermesPrice;
}

const normId = (id: string) => id.toLowerCase().replace(/^0x/, "");

/**
 * The reading of feed `id` in a Hermes `/v2/updates/price/latest` answer. Refuses an answer
 * without the feed, a non-positive price, or (with `max_conf_ratio`) a confidence interval wider
 * than that fraction of the price.
 */
export function parseHermes(body: unknown, id: string, max_conf_ratio?: number): Reading {
  const parsed = (body as { parsed?: HermesParsed[] })?.parsed;
  if (!Array.isArray(parsed)) throw new Error("hermes: the answer has no parsed[] array");
  const entry = parsed.find((p) => normId(p.id) === normId(id));
  if (!entry) throw new Error(`hermes: feed ${id} is not in the answer`);
  const { price, expo, publish_time, conf } = entry.price ?? ({} as HermesPrice);
  if (typeof price !== "string" || !/^-?\d+$/.test(price)) throw new Error(`hermes: feed ${id}: bad price ${price}`);
  if (!Number.isInteger(expo)) throw new Error(`hermes: feed ${id}: bad expo ${expo}`);
  if (!Number.isInteger(publish_time) || publish_time <= 0) throw new Error(`hermes: feed ${id}: bad publish_time ${publish_time}`);
  const value = fromExpo(price, expo);
  if (value <= 0n) throw new Error(`hermes: feed ${id}: price ${price}e${expo} is not positive`);
  if (max_conf_ratio !== undefined && conf !== undefined) {
    const ratio = Number(BigInt(conf) * 1_000_000n / BigInt(price)) / 1e6;
    if (ratio > max_conf_ratio) throw new Error(`hermes: feed ${id}: confidence ${ratio} of the price is above ${max_conf_ratio}`);
  }
  return { price: formatDec(value), publish_time };
}

export function hermesUrl(endpoint: string, id: string): string {
  const base = endpoint.replace(/\/+$/, "");
  const feed = id.startsWith("0x") ? id : `0x${id}`;
  return `${base}/v2/updates/price/latest?ids[]=${encodeURIComponent(feed)}&parsed=true`;
}

export class HermesSource implements PriceSource {
  readonly name: string;
  constructor(
    private endpoint: string,
    private id: string,
    private opts: { timeout_ms?: number; max_conf_ratio?: number } = {},
  ) {
    this.name = `hermes:${endpoint}#${id}`;
  }
  async latest(): Promise<Reading | undefined> {
    const res = await fetch(hermesUrl(this.endpoint, this.id), {
      signal: AbortSignal.timeout(this.opts.timeout_ms ?? 5000),
      headers: { accept: "application/json" },
    });
    if (!res.ok) throw new Error(`hermes: HTTP ${res.status} from ${this.endpoint}`);
    return parseHermes(await res.json(), this.id, this.opts.max_conf_ratio);
  }
}
