// Generates typed CosmJS clients of the suite's contracts from the committed JSON schema.
//
//   node codegen.js [OUT_DIR]      (default src/generated, which is committed)
//
// @cosmwasm/ts-codegen is pinned to 0.35.x, the last line whose clients take CosmJS's
// CosmWasmClient / SigningCosmWasmClient and import only @cosmjs/*; the 1.x line emits
// InterchainJS clients instead.
const path = require("path");
const codegen = require("@cosmwasm/ts-codegen").default;

const root = path.join(__dirname, "..", "..", "schema");
const outPath = path.resolve(process.argv[2] ?? path.join(__dirname, "src", "generated"));
codegen({
  contracts: [
    { name: "InsuranceFund", dir: path.join(root, "insurance-fund") },
    { name: "PerpEngine", dir: path.join(root, "perp-engine") },
    { name: "Governance", dir: path.join(root, "governance") },
    // cw20-base with burning for the minter only: the tranche share tokens (and any cw20).
    { name: "ShareToken", dir: path.join(root, "share-token") },
  ],
  outPath,
  options: {
    bundle: { enabled: false },
    types: { enabled: true },
    client: { enabled: true, execExtendsQuery: false },
    reactQuery: { enabled: false },
    recoil: { enabled: false },
    messageComposer: { enabled: false },
  },
}).then(() => console.log(`clients generated in ${path.relative(process.cwd(), outPath) || "."}`));
