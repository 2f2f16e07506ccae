// Generates typed clients of the suite's contracts from the committed JSON schema.
const path = require("path");
const codegen = require("@cosmwasm/ts-codegen").default;

const root = path.join(__dirname, "..", "..", "schema");
codegen({
  contracts: [
    { name: "InsuranceFund", dir: path.join(root, "insurance-fund") },
    { name: "PerpEngine", dir: path.join(root, "perp-engine") },
    { name: "Governance", dir: path.join(root, "governance") },
  ],
  outPath: path.join(__dirname, "src", "generated"),
  options: {
    bundle: { enabled: false },
    types: { enabled: true },
    client: { enabled: true, execExtendsQuery: false },
    reactQuery: { enabled: false },
    recoil: { enabled: false },
    messageComposer: { enabled: false },
  },
}).then(() => console.log("clients generated in src/generated"));
