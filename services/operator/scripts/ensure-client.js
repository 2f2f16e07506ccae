// Builds clients/ts (npm ci, then npm run build) unless its dist/ is already there, so that
// `npm run build` here works from a fresh clone in one command.
const { existsSync } = require("node:fs");
const { execSync } = require("node:child_process");
const { join } = require("node:path");

const client = join(__dirname, "..", "..", "..", "clients", "ts");
const run = (cmd) => execSync(cmd, { cwd: client, stdio: "inherit" });
if (!existsSync(join(client, "node_modules"))) run("npm ci --no-audit --no-fund --loglevel=error");
if (!existsSync(join(client, "dist", "index.d.ts"))) run("npm run --silent build");
