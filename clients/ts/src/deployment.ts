// A deployed suite's addresses (the shape scripts/chain/chain.py writes to
// target/localnet/deployment.json) and typed clients of every contract in it.
import type { CosmWasmClient, SigningCosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import { InsuranceFundClient, InsuranceFundQueryClient } from "./generated/InsuranceFund.client";
import { GovernanceClient, GovernanceQueryClient } from "./generated/Governance.client";
import { PerpEngineClient, PerpEngineQueryClient } from "./generated/PerpEngine.client";
import { ShareTokenClient, ShareTokenQueryClient } from "./generated/ShareToken.client";

export interface Deployment {
  chain_id: string;
  code_ids?: Record<string, number>;
  contracts: {
    fund: string;
    junior_token: string;
    senior_token: string;
    engine: string;
    governance: string;
    gov_token: string;
  };
  /** The account that deployed the suite and governs it until governance accepts the role. */
  governor?: string;
}

const CONTRACT_KEYS = ["fund", "junior_token", "senior_token", "engine", "governance", "gov_token"] as const;

/** Checks a parsed deployment JSON and returns it typed; throws naming the first missing field. */
export function parseDeployment(value: unknown): Deployment {
  const d = value as Partial<Deployment> | null;
  if (!d || typeof d !== "object") throw new Error("the deployment is not a JSON object");
  if (typeof d.chain_id !== "string") throw new Error("the deployment has no chain_id");
  if (!d.contracts || typeof d.contracts !== "object") throw new Error("the deployment has no contracts");
  for (const key of CONTRACT_KEYS) {
    if (typeof d.contracts[key] !== "string" || !d.contracts[key]) {
      throw new Error(`the deployment has no contracts.${key} address`);
    }
  }
  return d as Deployment;
}

export interface SuiteQueryClients {
  fund: InsuranceFundQueryClient;
  governance: GovernanceQueryClient;
  engine: PerpEngineQueryClient;
  juniorToken: ShareTokenQueryClient;
  seniorToken: ShareTokenQueryClient;
  govToken: ShareTokenQueryClient;
}

export interface SuiteClients {
  fund: InsuranceFundClient;
  governance: GovernanceClient;
  engine: PerpEngineClient;
  juniorToken: ShareTokenClient;
  seniorToken: ShareTokenClient;
  govToken: ShareTokenClient;
}

/** Query clients of every contract of a deployment over one CosmJS client. */
export function suiteQueryClients(client: CosmWasmClient, d: Deployment): SuiteQueryClients {
  const c = d.contracts;
  return {
    fund: new InsuranceFundQueryClient(client, c.fund),
    governance: new GovernanceQueryClient(client, c.governance),
    engine: new PerpEngineQueryClient(client, c.engine),
    juniorToken: new ShareTokenQueryClient(client, c.junior_token),
    seniorToken: new ShareTokenQueryClient(client, c.senior_token),
    govToken: new ShareTokenQueryClient(client, c.gov_token),
  };
}

/** Signing clients of every contract of a deployment, sending as `sender`. */
export function suiteClients(client: SigningCosmWasmClient, sender: string, d: Deployment): SuiteClients {
  const c = d.contracts;
  return {
    fund: new InsuranceFundClient(client, sender, c.fund),
    governance: new GovernanceClient(client, sender, c.governance),
    engine: new PerpEngineClient(client, sender, c.engine),
    juniorToken: new ShareTokenClient(client, sender, c.junior_token),
    seniorToken: new ShareTokenClient(client, sender, c.senior_token),
    govToken: new ShareTokenClient(client, sender, c.gov_token),
  };
}
