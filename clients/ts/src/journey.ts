// One journey through the generated client against a deployed suite: an underwriter deposits
// into the junior tranche and the fund's books are read back through the query client.
//
//   node dist/journey.js <deployment.json>
// Environment: RPC (default http://127.0.0.1:26657), MNEMONIC (a funded account), PREFIX
// (bech32 prefix, default "wasm"), DENOM (collateral, default "uusdc").
import { readFileSync } from "fs";
import { SigningCosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { InsuranceFundClient, InsuranceFundQueryClient } from "./generated/InsuranceFund.client";

async function main(): Promise<void> {
  const deployment = JSON.parse(readFileSync(process.argv[2], "utf8"));
  const fund: string = deployment.contracts.fund;
  const rpc = process.env.RPC ?? "http://127.0.0.1:26657";
  const denom = process.env.DENOM ?? "uusdc";
  const mnemonic = process.env.MNEMONIC;
  if (!mnemonic) throw new Error("MNEMONIC is not set");
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, {
    prefix: process.env.PREFIX ?? "wasm",
  });
  const [account] = await wallet.getAccounts();
  // The generated clients take CosmJS's clients as they are.
  const client = await SigningCosmWasmClient.connectWithSigner(rpc, wallet);
  const reader = new InsuranceFundQueryClient(client, fund);
  const writer = new InsuranceFundClient(client, account.address, fund);

  const before = await reader.state();
  const preview = await reader.previewDeposit({ tranche: "junior", amount: "1000000" });
  // A fixed gas limit (gas used is what it is either way): the localnet does not serve the
  // simulation an "auto" fee needs.
  const fee = { amount: [{ denom: "stake", amount: "0" }], gas: "1000000" };
  const result = await writer.deposit({ tranche: "junior" }, fee, "ts client journey", [
    { denom, amount: "1000000" },
  ]);
  const after = await reader.state();

  const assets = BigInt(after.junior.assets) - BigInt(before.junior.assets);
  const minted = BigInt(after.junior.supply) - BigInt(before.junior.supply);
  console.log(`deposit tx ${result.transactionHash}, gas used ${result.gasUsed}`);
  console.log(`junior assets +${assets}, shares minted ${minted} (preview ${preview.shares})`);
  if (assets !== 1_000_000n || minted !== BigInt(preview.shares) || minted === 0n) {
    throw new Error("the fund's books do not show the deposit as previewed");
  }
  console.log("ts client journey: ok");
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
