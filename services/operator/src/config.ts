// The service's one config file (JSON). See docs/operator.md#configuration.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseDeployment, type Deployment } from "@tranche-perps/client";

export interface KeyConfig {
  /** Name of an environment variable holding the mnemonic. */
  mnemonic_env?: string;
  /** A file holding the mnemonic (mode 0600 recommended). */
  mnemonic_file?: string;
}

export interface PusherConfig {
  market: string;
  key: KeyConfig;
  source:
    | { kind: "replay"; file: string; relative?: boolean; publish_step_seconds?: number }
    | { kind: "hermes"; endpoint: string; feed_id: string; timeout_ms?: number; max_conf_ratio?: number };
  /** Push when the price moved this fraction from the last push (default 0.001). */
  deviation?: number;
  /** Push at least this often (seconds); at most half the market's oracle_max_age_seconds (default: a third of it). */
  heartbeat_seconds?: number;
  /** Hold a move beyond this fraction until a second reading confirms it (default 0.1). */
  max_jump?: number;
  /** Never push a reading older than this (seconds; default: a third of oracle_max_age_seconds). */
  max_reading_age_seconds?: number;
  /** Poll the source this often (ms; default 1000). */
  poll_ms?: number;
}

export interface Config {
  rpc: string;
  /** Path to the deployment JSON (relative to the config file), or the deployment inline. */
  deployment: string | Deployment;
  bech32_prefix: string;
  gas_price: string;
  /** Gas = simulated * gas_margin (default 1.4), or a fixed gas_limit when given. */
  gas_margin?: number;
  gas_limit?: number;
  /** Gas when the node cannot simulate (default 2,000,000). */
  fallback_gas_limit?: number;
  /** The denom the keeper's fee balance is in (metric keeper_balance). */
  fee_denom: string;
  state_file: string;
  keeper?: {
    enabled?: boolean;
    key: KeyConfig;
    /** Run a round this often (ms; default 2000). */
    interval_ms?: number;
    /** Scan engine events from this height on the first start (default: 1). */
    start_height?: number;
    /** At most this many blocks of events per round (default 2000). */
    max_blocks_per_round?: number;
    /** Positions within this relative distance of their liquidation price are re-read each round (default 0.02). */
    liquidation_buffer?: number;
    /** Re-read this many tracked traders per round regardless (default 50). */
    refresh_per_round?: number;
    /** At most this many liquidations per round (default 20). */
    max_liquidations_per_round?: number;
    /** Sweep once unsplit fees + pending premium reach this (base units; default: the engine's sweep_threshold, or 1). */
    sweep_threshold?: string;
    /** Sweep anything waiting after this many seconds (default 3600). */
    sweep_max_interval_seconds?: number;
    /** Claim owed payouts of at least this (base units; default 1). */
    claim_owed_min?: string;
    settle_funding?: boolean;
    expire_withdrawals?: boolean;
  };
  pushers?: PusherConfig[];
  monitor?: {
    enabled?: boolean;
    /** Listen address; loopback by default. */
    host?: string;
    port: number;
    /** /health fails when the latest block is older than this (seconds; default 60). */
    chain_stall_seconds?: number;
    interval_ms?: number;
  };
  backoff?: { base_ms?: number; cap_ms?: number; retries?: number };
  log_level?: "debug" | "info" | "warn" | "error";
}

export function loadConfig(path: string): { config: Config; deployment: Deployment; dir: string } {
  const dir = dirname(resolve(path));
  const config = JSON.parse(readFileSync(path, "utf8")) as Config;
  const need = (cond: unknown, what: string) => {
    if (!cond) throw new Error(`${path}: ${what}`);
  };
  need(typeof config.rpc === "string", "rpc (the node's RPC URL) is missing");
  need(typeof config.gas_price === "string", "gas_price is missing (e.g. \"0stake\")");
  need(typeof config.state_file === "string", "state_file is missing");
  need(typeof config.bech32_prefix === "string", "bech32_prefix is missing (e.g. \"wasm\")");
  need(typeof config.fee_denom === "string", "fee_denom is missing");
  if (config.gas_margin !== undefined) need(config.gas_margin >= 1 && config.gas_margin <= 5, "gas_margin must be within 1..=5");
  config.state_file = resolve(dir, config.state_file);
  let deployment: Deployment;
  if (typeof config.deployment === "string") {
    deployment = parseDeployment(JSON.parse(readFileSync(resolve(dir, config.deployment), "utf8")));
  } else {
    deployment = parseDeployment(config.deployment);
  }
  for (const [i, p] of (config.pushers ?? []).entries()) {
    need(typeof p.market === "string", `pushers[${i}].market is missing`);
    need(p.key && (p.key.mnemonic_env || p.key.mnemonic_file), `pushers[${i}].key needs mnemonic_env or mnemonic_file`);
    if (p.source?.kind === "replay") p.source.file = resolve(dir, p.source.file);
    else need(p.source?.kind === "hermes", `pushers[${i}].source.kind must be "replay" or "hermes"`);
    if (p.max_jump !== undefined) need(p.max_jump > 0, `pushers[${i}].max_jump must be above 0`);
  }
  if (config.keeper && config.keeper.enabled !== false) {
    need(config.keeper.key && (config.keeper.key.mnemonic_env || config.keeper.key.mnemonic_file), "keeper.key needs mnemonic_env or mnemonic_file");
  }
  return { config, deployment, dir };
}

/** Checks a pusher's heartbeat against its market's oracle_max_age_seconds and fills defaults. */
export function pushPolicy(p: PusherConfig, oracleMaxAge: number) {
  const heartbeat = p.heartbeat_seconds ?? Math.max(1, Math.floor(oracleMaxAge / 3));
  if (heartbeat * 2 > oracleMaxAge) {
    throw new Error(
      `pusher of ${p.market}: heartbeat_seconds ${heartbeat} must be at most half the market's oracle_max_age_seconds ${oracleMaxAge}`,
    );
  }
  return {
    deviation: p.deviation ?? 0.001,
    heartbeat_seconds: heartbeat,
    max_jump: p.max_jump ?? 0.1,
    max_reading_age_seconds: p.max_reading_age_seconds ?? Math.max(1, Math.floor(oracleMaxAge / 3)),
  };
}

export function readMnemonic(k: KeyConfig, dir: string): string {
  if (k.mnemonic_env) {
    const v = process.env[k.mnemonic_env];
    if (!v) throw new Error(`the environment variable ${k.mnemonic_env} (a mnemonic) is not set`);
    return v.trim();
  }
  if (k.mnemonic_file) return readFileSync(resolve(dir, k.mnemonic_file), "utf8").trim();
  throw new Error("a key needs mnemonic_env or mnemonic_file");
}
