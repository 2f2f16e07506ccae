// The connection: a query client over the RPC, the chain's clock, and a wallet (Keplr when the
// extension is there, else a development signer from a mnemonic, localnet only).
import { CosmWasmClient, SigningCosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import { GasPrice, calculateFee, type StdFee } from "@cosmjs/stargate";
import type { OfflineSigner } from "@cosmjs/proto-signing";
import {
  suiteClients, suiteQueryClients, type Deployment, type SuiteClients, type SuiteQueryClients,
  type InsuranceFundTypes,
} from "@tranche-perps/client";
import { rpcUrl, type Config } from "./config";

export interface Wallet {
  address: string;
  kind: "keplr" | "mnemonic";
  signer: SigningCosmWasmClient;
  tx: SuiteClients;
}

export interface Ctx {
  cfg: Config;
  deployment: Deployment;
  client: CosmWasmClient;
  q: SuiteQueryClients;
  fundConfig: InsuranceFundTypes.ConfigResponse;
  /** Decimals of the collateral coin (the share token has three more). */
  collateralDecimals: number;
  /** Chain time minus local time, in seconds, from the latest block. */
  clockOffset: number;
  wallet?: Wallet;
}

export async function connect(cfg: Config, deployment: Deployment): Promise<Ctx> {
  const client = await CosmWasmClient.connect(rpcUrl(cfg));
  const chainId = await client.getChainId();
  if (chainId !== deployment.chain_id) {
    throw new Error(`The RPC serves chain ${chainId}, but the deployment is on ${deployment.chain_id}.`);
  }
  const q = suiteQueryClients(client, deployment);
  const fundConfig = await q.fund.config();
  const ctx: Ctx = {
    cfg, deployment, client, q, fundConfig,
    collateralDecimals: fundConfig.share_decimals - 3,
    clockOffset: 0,
  };
  await syncClock(ctx);
  return ctx;
}

/** Reads the latest block's time so countdowns follow the chain's clock, not the browser's. */
export async function syncClock(ctx: Ctx): Promise<void> {
  const block = await ctx.client.getBlock();
  ctx.clockOffset = Date.parse(block.header.time) / 1000 - Date.now() / 1000;
}

export function chainNow(ctx: Ctx): number {
  return Date.now() / 1000 + ctx.clockOffset;
}

export function fee(ctx: Ctx): StdFee {
  return calculateFee(ctx.cfg.gasLimit, GasPrice.fromString(ctx.cfg.gasPrice));
}

async function withSigner(ctx: Ctx, signer: OfflineSigner, kind: Wallet["kind"]): Promise<Wallet> {
  const [account] = await signer.getAccounts();
  const client = await SigningCosmWasmClient.connectWithSigner(rpcUrl(ctx.cfg), signer, {
    gasPrice: GasPrice.fromString(ctx.cfg.gasPrice),
  });
  return { address: account.address, kind, signer: client, tx: suiteClients(client, account.address, ctx.deployment) };
}

/** The address a mnemonic gives, without touching the chain. */
export async function mnemonicAddress(mnemonic: string, prefix: string): Promise<string> {
  const { DirectSecp256k1HdWallet } = await import("@cosmjs/proto-signing");
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic.trim(), { prefix });
  return (await wallet.getAccounts())[0].address;
}

export async function connectMnemonic(ctx: Ctx, mnemonic: string): Promise<Wallet> {
  const { DirectSecp256k1HdWallet } = await import("@cosmjs/proto-signing");
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic.trim(), { prefix: ctx.cfg.prefix });
  return withSigner(ctx, wallet, "mnemonic");
}

interface Keplr {
  experimentalSuggestChain(info: unknown): Promise<void>;
  enable(chainId: string): Promise<void>;
  getOfflineSignerAuto(chainId: string): Promise<OfflineSigner>;
}

export function keplr(): Keplr | undefined {
  return (window as unknown as { keplr?: Keplr }).keplr;
}

/** Keplr: suggests the localnet (or whatever chain the deployment names), enables it, signs. */
export async function connectKeplr(ctx: Ctx): Promise<Wallet> {
  const k = keplr();
  if (!k) throw new Error("Keplr is not installed in this browser.");
  const chainId = ctx.deployment.chain_id;
  const gas = GasPrice.fromString(ctx.cfg.gasPrice);
  const feeDenom = gas.denom;
  const price = Number(gas.amount.toString());
  const p = ctx.cfg.prefix;
  await k.experimentalSuggestChain({
    chainId,
    chainName: `Tranche Perps (${chainId})`,
    rpc: rpcUrl(ctx.cfg),
    rest: rpcUrl(ctx.cfg).replace(/:26657$/, ":1317"),
    bip44: { coinType: 118 },
    bech32Config: {
      bech32PrefixAccAddr: p, bech32PrefixAccPub: `${p}pub`,
      bech32PrefixValAddr: `${p}valoper`, bech32PrefixValPub: `${p}valoperpub`,
      bech32PrefixConsAddr: `${p}valcons`, bech32PrefixConsPub: `${p}valconspub`,
    },
    currencies: [
      { coinDenom: feeDenom.toUpperCase(), coinMinimalDenom: feeDenom, coinDecimals: 6 },
      { coinDenom: ctx.cfg.collateralSymbol, coinMinimalDenom: ctx.fundConfig.collateral_denom, coinDecimals: ctx.collateralDecimals },
    ],
    feeCurrencies: [{
      coinDenom: feeDenom.toUpperCase(), coinMinimalDenom: feeDenom, coinDecimals: 6,
      gasPriceStep: { low: price, average: price, high: price },
    }],
    stakeCurrency: { coinDenom: feeDenom.toUpperCase(), coinMinimalDenom: feeDenom, coinDecimals: 6 },
    features: ["cosmwasm"],
  });
  await k.enable(chainId);
  return withSigner(ctx, await k.getOfflineSignerAuto(chainId), "keplr");
}

/** A development signer is offered on local chains only. */
export function devSignerAllowed(deployment: Deployment): boolean {
  return /local|test|dev/i.test(deployment.chain_id);
}
