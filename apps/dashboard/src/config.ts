// Configuration: public/config.json, overridden by URL parameters (?deployment=URL&rpc=URL&
// address=ADDR&prefix=...). `rpc` "/rpc" goes through the dev/preview server's proxy to the node.
import { parseDeployment, type Deployment } from "@tranche-perps/client";

export interface Config {
  deployment: string;
  rpc: string;
  prefix: string;
  gasPrice: string;
  gasLimit: number;
  collateralSymbol: string;
  slippageBps: number;
  /** A mnemonic for the development signer (localnet only); empty: typed in on the page. */
  devMnemonic: string;
  /** Read-only view of another address on the position page. */
  address?: string;
}

const DEFAULTS: Config = {
  deployment: "deployment.json",
  rpc: "/rpc",
  prefix: "wasm",
  gasPrice: "0stake",
  gasLimit: 2_000_000,
  collateralSymbol: "USDC",
  slippageBps: 50,
  devMnemonic: "",
};

export async function loadConfig(): Promise<Config> {
  let file: Partial<Config> = {};
  try {
    const res = await fetch("config.json", { cache: "no-store" });
    if (res.ok) file = await res.json();
  } catch {
    // No config file: defaults and URL parameters.
  }
  const cfg: Config = { ...DEFAULTS, ...file };
  const params = new URLSearchParams(location.search);
  for (const key of ["deployment", "rpc", "prefix", "gasPrice", "collateralSymbol", "address"] as const) {
    const v = params.get(key);
    if (v) cfg[key] = v;
  }
  if (params.get("gasLimit")) cfg.gasLimit = Number(params.get("gasLimit"));
  return cfg;
}

/** The RPC endpoint as an absolute URL (a relative one is resolved against the page). */
export function rpcUrl(cfg: Config): string {
  return new URL(cfg.rpc, location.href).href.replace(/\/$/, "");
}

export async function loadDeployment(cfg: Config): Promise<Deployment> {
  let res: Response;
  try {
    res = await fetch(cfg.deployment, { cache: "no-store" });
  } catch (err) {
    throw new Error(`Cannot load the deployment file ${cfg.deployment}: ${(err as Error).message}`);
  }
  if (!res.ok) {
    throw new Error(
      `Cannot load the deployment file ${cfg.deployment} (HTTP ${res.status}). Deploy the suite to the localnet, ` +
        `set DEPLOYMENT for the server, or pass ?deployment=URL.`,
    );
  }
  return parseDeployment(await res.json());
}
