// Fixed-point helpers for the contracts' decimal strings (cosmwasm Decimal / Decimal256: 18
// fractional digits) and integer strings (Uint128 / Int128), in bigint so nothing rounds
// behind our back.

export const SCALE = 10n ** 18n;

/** A decimal string ("91.5", "-0.25", "100") as an integer scaled by 1e18 (extra digits truncated). */
export function parseDec(s: string): bigint {
  const t = s.trim();
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(t);
  if (!m) throw new Error(`not a decimal: ${JSON.stringify(s)}`);
  const frac = (m[3] ?? "").slice(0, 18).padEnd(18, "0");
  const v = BigInt(m[2]) * SCALE + BigInt(frac || "0");
  return m[1] === "-" ? -v : v;
}

/** An integer scaled by 1e18 as a decimal string without trailing zeros (cosmwasm's format). */
export function formatDec(v: bigint): string {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const whole = a / SCALE;
  let frac = (a % SCALE).toString().padStart(18, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${whole}${frac ? "." + frac : ""}`;
}

/** floor(a * dec / 1e18) for a >= 0. */
export function mulFloor(a: bigint, dec: bigint): bigint {
  return (a * dec) / SCALE;
}

/** ceil(a * dec / 1e18) for a >= 0. */
export function mulCeil(a: bigint, dec: bigint): bigint {
  const p = a * dec;
  return p % SCALE === 0n ? p / SCALE : p / SCALE + 1n;
}

export function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}

/** |a - b| / b as a float (for thresholds and metrics only, never for money). */
export function relDiff(a: bigint, b: bigint): number {
  if (b === 0n) return Infinity;
  return Number((abs(a - b) * 1_000_000_000n) / abs(b)) / 1e9;
}

/** A price as a float (metrics only). */
export function decToNumber(v: bigint): number {
  return Number(v / 10n ** 9n) / 1e9;
}

/** A Pyth-style integer price with a base-10 exponent ("6143218", -5) as a 1e18-scaled integer. */
export function fromExpo(price: string, expo: number): bigint {
  const p = BigInt(price);
  const shift = 18 + expo;
  if (shift >= 0) return p * 10n ** BigInt(shift);
  return p / 10n ** BigInt(-shift);
}

/** A cosmwasm `Timestamp` (nanoseconds as a string) in whole seconds. */
export function tsSeconds(t: string | number): number {
  return Number(BigInt(t) / 1_000_000_000n);
}

/** A cosmwasm `Timestamp` rounded up to whole seconds (a deadline: not passed before then). */
export function tsSecondsCeil(t: string | number): number {
  const n = BigInt(t);
  return Number((n + 999_999_999n) / 1_000_000_000n);
}
