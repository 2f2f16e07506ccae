// One key's transactions: the allow-list of messages, gas by simulation times a margin (or a
// fixed limit), explicit sequence numbers with recovery after a mismatch, and each
// transaction's hash recorded before it is broadcast so a restart can tell whether it landed.
import { sha256 } from "@cosmjs/crypto";
import { toHex, toUtf8 } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet, type EncodeObject } from "@cosmjs/proto-signing";
import { calculateFee, GasPrice, type StdFee } from "@cosmjs/stargate";
import { SigningCosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import { MsgExecuteContract } from "cosmjs-types/cosmwasm/wasm/v1/tx";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { PerpEngineTypes, InsuranceFundTypes } from "@tranche-perps/client";
import { isSequenceMismatch } from "./outcome";
import type { Logger } from "./log";

/** The only messages the service ever sends: the permissionless upkeep and the feeder's push. */
export type AllowedMsg =
  | { contract: "engine"; msg: Extract<PerpEngineTypes.ExecuteMsg, { liquidate: unknown } | { settle_funding: unknown } | { sweep_premium: unknown } | { claim_owed: unknown } | { push_price: unknown }> }
  | { contract: "fund"; msg: Extract<InsuranceFundTypes.ExecuteMsg, { expire_withdrawal: unknown }> };

const ALLOWED: Record<AllowedMsg["contract"], string[]> = {
  engine: ["liquidate", "settle_funding", "sweep_premium", "claim_owed", "push_price"],
  fund: ["expire_withdrawal"],
};

export function checkAllowed(m: { contract: string; msg: object }): void {
  const keys = Object.keys(m.msg);
  const allowed = ALLOWED[m.contract as AllowedMsg["contract"]];
  if (!allowed || keys.length !== 1 || !allowed.includes(keys[0])) {
    throw new Error(`refusing to send ${m.contract} ${keys.join(",")}: not a permissionless upkeep or push message`);
  }
}

export interface SignerOptions {
  rpc: string;
  prefix: string;
  gasPrice: string;
  gasMargin: number;
  gasLimit?: number;
  /** Gas when the node cannot simulate (its tx service is off): default 2,000,000. */
  fallbackGasLimit?: number;
  chainId: string;
  contracts: { engine: string; fund: string };
}

export interface SendResult {
  hash: string;
  height: number;
  gasUsed: number;
  events: readonly { type: string; attributes: readonly { key: string; value: string }[] }[];
}

export class Signer {
  address = "";
  private client!: SigningCosmWasmClient;
  private accountNumber = 0;
  private sequence: number | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private canSimulate = true;

  private constructor(private wallet: DirectSecp256k1HdWallet, private opts: SignerOptions, private log: Logger) {}

  static async connect(mnemonic: string, opts: SignerOptions, log: Logger): Promise<Signer> {
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix: opts.prefix });
    const s = new Signer(wallet, opts, log);
    s.address = (await wallet.getAccounts())[0].address;
    s.client = await SigningCosmWasmClient.connectWithSigner(opts.rpc, wallet, { gasPrice: GasPrice.fromString(opts.gasPrice) });
    return s;
  }

  get query(): SigningCosmWasmClient {
    return this.client;
  }

  private async refreshSequence(): Promise<void> {
    const { accountNumber, sequence } = await this.client.getSequence(this.address);
    this.accountNumber = accountNumber;
    this.sequence = sequence;
  }

  private encode(m: AllowedMsg): EncodeObject {
    checkAllowed(m);
    return {
      typeUrl: "/cosmwasm.wasm.v1.MsgExecuteContract",
      value: MsgExecuteContract.fromPartial({
        sender: this.address,
        contract: this.opts.contracts[m.contract],
        msg: toUtf8(JSON.stringify(m.msg)),
        funds: [],
      }),
    };
  }

  private async fee(msgs: EncodeObject[]): Promise<StdFee> {
    const price = GasPrice.fromString(this.opts.gasPrice);
    if (this.opts.gasLimit) return calculateFee(this.opts.gasLimit, price);
    if (this.canSimulate) {
      try {
        const simulated = await this.client.simulate(this.address, msgs, undefined);
        return calculateFee(Math.ceil(simulated * this.opts.gasMargin), price);
      } catch (e) {
        // A node without the tx service (gRPC off) answers "unknown query path"; anything else
        // is the contract refusing the message, which surfaces here before any broadcast.
        if (!/unknown query path/i.test(e instanceof Error ? e.message : String(e))) throw e;
        this.canSimulate = false;
        this.log.warn("the node cannot simulate transactions; using the fallback gas limit", { signer: this.address, gas: this.opts.fallbackGasLimit ?? 2_000_000 });
      }
    }
    return calculateFee(this.opts.fallbackGasLimit ?? 2_000_000, price);
  }

  /**
   * Simulates, signs and broadcasts one allowed message and waits for its block. `beforeBroadcast`
   * receives the transaction's hash before it leaves (to journal it). A sequence mismatch
   * re-reads the account's sequence and signs again (up to 3 times). Contract errors surface
   * from the simulation, before anything is broadcast.
   */
  send(m: AllowedMsg, beforeBroadcast?: (hash: string) => void): Promise<SendResult> {
    const run = async (): Promise<SendResult> => {
      const msgs = [this.encode(m)];
      for (let attempt = 0; ; attempt++) {
        try {
          if (this.sequence === undefined) await this.refreshSequence();
          const fee = await this.fee(msgs);
          const signed = await this.client.sign(this.address, msgs, fee, "", {
            accountNumber: this.accountNumber,
            sequence: this.sequence as number,
            chainId: this.opts.chainId,
          });
          const bytes = TxRaw.encode(signed).finish();
          const hash = toHex(sha256(bytes)).toUpperCase();
          beforeBroadcast?.(hash);
          const res = await this.client.broadcastTx(bytes);
          // In a block: the sequence moved whether the transaction succeeded or not.
          this.sequence = (this.sequence as number) + 1;
          if (res.code !== 0) throw new Error(`transaction ${hash} failed with code ${res.code}: Raw log: ${res.rawLog ?? ""}`);
          return { hash, height: res.height, gasUsed: Number(res.gasUsed), events: res.events };
        } catch (e) {
          if (isSequenceMismatch(e) && attempt < 3) {
            this.log.warn("sequence mismatch; re-reading the account sequence", { signer: this.address, attempt });
            this.sequence = undefined;
            continue;
          }
          // Anything else after a broadcast may or may not have consumed the sequence: re-read.
          this.sequence = undefined;
          throw e;
        }
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  async balance(denom: string): Promise<bigint> {
    return BigInt((await this.client.getBalance(this.address, denom)).amount);
  }
}
