// Gas of open, deposit, stake and vote with 10 and with 1,000 other positions, underwriters and
// voters, measured on a deployed suite through the generated clients' message shapes.
//
//   node dist/scaling.js <deployment.json> <out.json> [count]
// Environment: RPC, MNEMONIC (funded with collateral and GOV), PREFIX, DENOM, MARKET.
//
// Accounts are made in memory and funded in one multi-message transaction each for collateral
// and GOV. Phase 1: 10 accounts each open a position, deposit and stake (one tx each); probe A
// then does each operation in its own tx, and its gas is recorded. Phase 2: the other accounts
// do the same, then probe B. Votes: a proposal is made, 10 accounts vote, probe A votes; the rest
// vote, probe B votes (the funder stakes first, as proposing takes stake). Exits non-zero if
// any transaction fails.
import { readFileSync, writeFileSync } from "fs";
import { randomBytes } from "crypto";
import { SigningCosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import { DirectSecp256k1HdWallet, DirectSecp256k1Wallet, EncodeObject } from "@cosmjs/proto-signing";
import { toUtf8 } from "@cosmjs/encoding";
import { MsgExecuteContract } from "cosmjs-types/cosmwasm/wasm/v1/tx";
import type { ExecuteMsg as FundMsg } from "./generated/InsuranceFund.types";
import type { ExecuteMsg as EngineMsg } from "./generated/PerpEngine.types";
import type { ExecuteMsg as GovMsg } from "./generated/Governance.types";

const RPC = process.env.RPC ?? "http://127.0.0.1:26657";
const PREFIX = process.env.PREFIX ?? "wasm";
const DENOM = process.env.DENOM ?? "uusdc";
const MARKET = process.env.MARKET ?? "BTC-USD";
const fee = (gas: number) => ({ amount: [{ denom: "stake", amount: "0" }], gas: String(gas) });

type Account = { address: string; client: SigningCosmWasmClient };

function execMsg(sender: string, contract: string, msg: object, funds: { denom: string; amount: string }[] = []): EncodeObject {
  return {
    typeUrl: "/cosmwasm.wasm.v1.MsgExecuteContract",
    value: MsgExecuteContract.fromPartial({ sender, contract, msg: toUtf8(JSON.stringify(msg)), funds }),
  };
}

async function account(): Promise<Account> {
  const wallet = await DirectSecp256k1Wallet.fromKey(randomBytes(32), PREFIX);
  const [{ address }] = await wallet.getAccounts();
  return { address, client: await SigningCosmWasmClient.connectWithSigner(RPC, wallet) };
}

async function send(who: Account, msgs: EncodeObject[], gas: number): Promise<number> {
  const res = await who.client.signAndBroadcast(who.address, msgs, fee(gas));
  if (res.code !== 0) throw new Error(`tx failed: ${res.rawLog}`);
  return Number(res.gasUsed);
}

async function pool<T>(items: T[], width: number, run: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await run(items[next++]);
    }),
  );
}

async function main(): Promise<void> {
  const deployment = JSON.parse(readFileSync(process.argv[2], "utf8"));
  const out = process.argv[3];
  const count = Number(process.argv[4] ?? "1000");
  const c = deployment.contracts;
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(process.env.MNEMONIC ?? "", { prefix: PREFIX });
  const [{ address: funderAddress }] = await wallet.getAccounts();
  const funder: Account = { address: funderAddress, client: await SigningCosmWasmClient.connectWithSigner(RPC, wallet) };

  const crowd = await Promise.all(Array.from({ length: count }, account));
  const [probeA, probeB] = [await account(), await account()];
  const everyone = [...crowd, probeA, probeB];
  console.log(`funding ${everyone.length} accounts`);
  await send(funder, everyone.map((a) => ({
    typeUrl: "/cosmos.bank.v1beta1.MsgSend",
    value: { fromAddress: funder.address, toAddress: a.address, amount: [{ denom: DENOM, amount: "100000000" }] },
  })), 60_000 * everyone.length + 1_000_000);
  await send(funder, everyone.map((a) => execMsg(funder.address, c.gov_token, {
    transfer: { recipient: a.address, amount: "1000000" },
  })), 250_000 * everyone.length + 1_000_000);

  // Each message is typed by the generated ExecuteMsg unions.
  const open: EngineMsg = { trade: { market: MARKET, size_delta: "1000000", price_limit: null } };
  const deposit: FundMsg = { deposit: { tranche: "junior", min_shares: null } };
  const stake = { send: { contract: c.governance, amount: "1000000", msg: Buffer.from(JSON.stringify({ stake: {} })).toString("base64") } };
  const margin = [{ denom: DENOM, amount: "20000000" }];
  const money = [{ denom: DENOM, amount: "10000000" }];
  const joinAll = (a: Account) => send(a, [
    execMsg(a.address, c.engine, open, margin),
    execMsg(a.address, c.fund, deposit, money),
    execMsg(a.address, c.gov_token, stake),
  ], 1_500_000);
  const probe = async (a: Account) => ({
    open: await send(a, [execMsg(a.address, c.engine, open, margin)], 800_000),
    deposit: await send(a, [execMsg(a.address, c.fund, deposit, money)], 800_000),
    stake: await send(a, [execMsg(a.address, c.gov_token, stake)], 800_000),
  });

  const first = crowd.slice(0, 10);
  const rest = crowd.slice(10);
  await pool(first, 10, joinAll);
  const a = await probe(probeA);
  console.log(`with 10 others: ${JSON.stringify(a)}`);
  await pool(rest, 50, joinAll);
  const b = await probe(probeB);
  console.log(`with ${count} others: ${JSON.stringify(b)}`);

  // Proposing takes a share of the staked power (`min_proposer_share`), held from a block
  // before the proposal: the funder stakes 100 GOV first.
  await send(funder, [execMsg(funder.address, c.gov_token, {
    send: { contract: c.governance, amount: "100000000", msg: Buffer.from(JSON.stringify({ stake: {} })).toString("base64") },
  })], 800_000);
  const propose: GovMsg = {
    propose: { title: "gas probe", description: "", actions: [{ set_fund_pause: { deposits: false, withdrawals: null } }] },
  };
  const made = await funder.client.signAndBroadcast(funder.address, [execMsg(funder.address, c.governance, propose)], fee(1_000_000));
  if (made.code !== 0) throw new Error(`propose failed: ${made.rawLog}`);
  const id = Number(made.events.flatMap((e) => e.attributes).find((x) => x.key === "proposal_id")?.value);
  // Abstain keeps the proposal open whatever the count (no early pass or rejection).
  const vote = (_who: Account): GovMsg => ({ vote: { proposal_id: id, vote: "abstain" } });
  const castAll = (v: Account) => send(v, [execMsg(v.address, c.governance, vote(v))], 800_000);
  await pool(first, 10, castAll);
  const voteA = await castAll(probeA);
  await pool(rest, 50, castAll);
  const voteB = await castAll(probeB);

  const rows = [
    { operation: "open position", with_10: a.open, with_n: b.open },
    { operation: "deposit", with_10: a.deposit, with_n: b.deposit },
    { operation: "stake", with_10: a.stake, with_n: b.stake },
    { operation: "vote", with_10: voteA, with_n: voteB },
  ];
  console.log(`\ngas used with 10 and with ${count} other positions / underwriters / voters`);
  console.log(`  ${"operation".padEnd(16)} ${"10".padStart(10)} ${String(count).padStart(10)}   change`);
  for (const r of rows) {
    const change = (((r.with_n - r.with_10) / r.with_10) * 100).toFixed(2);
    console.log(`  ${r.operation.padEnd(16)} ${String(r.with_10).padStart(10)} ${String(r.with_n).padStart(10)}   ${change}%`);
  }
  writeFileSync(out, JSON.stringify({ others: count, rows }, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
