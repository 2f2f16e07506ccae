// Number formatting: base units to coins, decimals to percentages, seconds to durations.

/** `amount` base units with `decimals` decimals, e.g. 1234567 (6) -> "1.234567", trimmed. */
export function units(amount: string | bigint, decimals: number, maxFraction = decimals): string {
  const v = BigInt(amount);
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const scale = 10n ** BigInt(decimals);
  const whole = (abs / scale).toLocaleString("en-US");
  let frac = (abs % scale).toString().padStart(decimals, "0").slice(0, maxFraction).replace(/0+$/, "");
  return `${neg ? "-" : ""}${whole}${frac ? "." + frac : ""}`;
}

/** A decimal string typed by a person ("1.5") to base units; throws on a malformed amount. */
export function toBaseUnits(text: string, decimals: number): bigint {
  const t = text.trim().replace(/,/g, "");
  if (!/^\d+(\.\d*)?$|^\.\d+$/.test(t)) throw new Error("Enter an amount such as 10 or 2.5.");
  const [w, f = ""] = t.split(".");
  if (f.length > decimals) throw new Error(`At most ${decimals} decimals.`);
  return BigInt(w || "0") * 10n ** BigInt(decimals) + BigInt((f + "0".repeat(decimals)).slice(0, decimals) || "0");
}

/** A decimal ("0.25") as a percentage ("25%"). */
export function pct(decimal: string | null | undefined, digits = 2): string {
  if (decimal === null || decimal === undefined) return "n/a";
  const v = Number(decimal) * 100;
  return `${v.toLocaleString("en-US", { maximumFractionDigits: digits })}%`;
}

export function bps(b: number): string {
  return `${(b / 100).toLocaleString("en-US", { maximumFractionDigits: 2 })}%`;
}

/** Seconds as "2d 3h", "5m 10s" and so on. */
export function duration(seconds: number): string {
  let s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts = d ? [`${d}d`, `${h}h`] : h ? [`${h}h`, `${m}m`] : m ? [`${m}m`, `${s}s`] : [`${s}s`];
  return parts.join(" ");
}

export function dateTime(seconds: number | string): string {
  return new Date(Number(seconds) * 1000).toLocaleString();
}

/** A decimal string rounded for display ("1.000012345" -> "1.000012"). */
export function dec(value: string, digits = 6): string {
  const n = Number(value);
  return Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: digits }) : value;
}

/** A CosmWasm Timestamp (nanoseconds, as a string) in seconds. */
export function ns(t: string | number): number {
  return Number(BigInt(t) / 1_000_000_000n);
}

/** A fund share price (collateral base units per share base unit, as the fund reports it) per
 * whole share in whole collateral coins: shares have `shareDecimals`, collateral
 * `collateralDecimals`. */
export function perShare(price: string, shareDecimals: number, collateralDecimals: number, digits = 6): string {
  const n = Number(price) * 10 ** (shareDecimals - collateralDecimals);
  return Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: digits }) : price;
}
