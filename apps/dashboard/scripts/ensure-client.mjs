// Builds clients/ts (npm ci, then npm run build) unless its dist/ is already there, so that
// `npm run build` / `npm run dev` here work from a fresh clone in one command.
import { existsSync } from "node:fs";
import { execSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const client = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "clients", "ts");
const run = (cmd) => execSync(cmd, { cwd: client, stdio: "inherit" });
if (!existsSync(join(client, "node_modules"))) run("npm ci --no-audit --no-fund --loglevel=error");
if (!existsSync(join(client, "dist", "index.d.ts")) || !existsSync(join(client, "dist", "esm", "index.js"))) {
  run("npm run --silent build");
}
