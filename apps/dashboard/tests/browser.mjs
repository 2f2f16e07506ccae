// Browser tests of the dashboard with headless Chromium (puppeteer-core, /usr/bin/chromium).
//
//   node tests/browser.mjs --smoke [--out DIR]
//       No chain: serves dist/ with an unreachable RPC; the page must load and say it cannot
//       reach the chain; the development key must derive an address in the browser.
//   MNEMONIC="..." node tests/browser.mjs --deployment PATH --out DIR [--rpc URL]
//       Against a deployed suite (default RPC http://127.0.0.1:26657): the fund page's figures
//       against the fund's queries (made in node through @tranche-perps/client), a deposit and
//       its shares, a withdrawal request and its countdown, a vote on an open proposal;
//       screenshots of each page in DIR. MNEMONIC defaults to the localnet's ts-client key.
// Build first (npm run build). Env CHROMIUM overrides the browser path.
import { createServer, request as httpRequest } from "node:http";
import { readFile, mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import puppeteer from "puppeteer-core";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "..", "dist");
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const smoke = args.includes("--smoke");
const out = resolve(opt("out", "test-output"));
const rpc = opt("rpc", process.env.RPC ?? (smoke ? "http://127.0.0.1:9" : "http://127.0.0.1:26657"));
const deploymentPath = opt("deployment");
// The localnet's public test-only key (scripts/localnet.sh TS_CLIENT_MNEMONIC).
const LOCALNET_MNEMONIC =
  "old anxiety snake good clever make inside drum night leg logic bind area trash talent gas trial night top vanish predict minor door remove";
const mnemonic = process.env.MNEMONIC ?? LOCALNET_MNEMONIC;

let passed = 0, failed = 0;
const results = [];
function check(name, ok, detail = "") {
  ok ? passed++ : failed++;
  results.push(`${ok ? "ok  " : "FAIL"} ${name}${detail ? ` (${detail})` : ""}`);
  console.log(results.at(-1));
}

if (!existsSync(join(dist, "index.html"))) {
  console.error("dist/ is missing: run npm run build first");
  process.exit(2);
}

const FAKE_DEPLOYMENT = {
  chain_id: "tranche-local",
  code_ids: {},
  contracts: Object.fromEntries(["fund", "junior_token", "senior_token", "engine", "governance", "gov_token"].map((k, i) => [k, `wasm1contract${i}`])),
  governor: "wasm1governor",
};
const deploymentBody = smoke ? JSON.stringify(FAKE_DEPLOYMENT) : await readFile(deploymentPath, "utf8");
const deployment = JSON.parse(deploymentBody);

// Static server of dist/ with /deployment.json and /rpc proxied to the node (as vite preview does).
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".svg": "image/svg+xml" };
const server = createServer(async (req, res) => {
  const path = req.url.split("?")[0];
  if (path === "/deployment.json") {
    res.setHeader("Content-Type", "application/json");
    return res.end(deploymentBody);
  }
  if (path === "/rpc" || path.startsWith("/rpc/")) {
    const target = new URL(rpc);
    const upstream = httpRequest({
      host: target.hostname, port: target.port, method: req.method,
      path: path.slice(4) || "/", headers: { "content-type": req.headers["content-type"] ?? "application/json" },
    }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on("error", () => {
      res.statusCode = 502;
      res.end("bad gateway");
    });
    return req.pipe(upstream);
  }
  try {
    const file = join(dist, path === "/" ? "index.html" : path);
    const body = await readFile(file);
    res.setHeader("Content-Type", TYPES[extname(file)] ?? "application/octet-stream");
    res.end(body);
  } catch {
    res.statusCode = 404;
    res.end("not found");
  }
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}/`;
await mkdir(out, { recursive: true });

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
const page = await browser.newPage();
await page.setViewport({ width: 1280, height: 900 });
const pageErrors = [];
page.on("pageerror", (e) => pageErrors.push(String(e)));

const ready = () => page.waitForFunction(() => document.querySelector("#page")?.dataset.ready === "true", { timeout: 60_000 });
const raw = (field) => page.$eval(`[data-field="${field}"]`, (el) => el.dataset.raw).catch(() => undefined);
const shot = (name) => page.screenshot({ path: join(out, `${name}.png`), fullPage: true });

try {
  if (smoke) {
    await page.goto(`${base}#/fund`, { waitUntil: "load" });
    await ready();
    const text = await page.$eval("#banner", (el) => (el.hidden ? "" : el.textContent));
    check("page loads and says it cannot reach the chain", /Cannot reach the chain/.test(text), text);
    check("no uncaught page errors", pageErrors.length === 0, pageErrors.join("; "));
    const footer = await page.$eval("#footer", (el) => el.textContent);
    check("the deployment is read", footer.includes(FAKE_DEPLOYMENT.chain_id), footer);
    await shot("smoke-offline");
  } else {
    const { CosmWasmClient, SigningCosmWasmClient } = await import("@cosmjs/cosmwasm-stargate");
    const { DirectSecp256k1HdWallet } = await import("@cosmjs/proto-signing");
    const { GasPrice, QueryClient } = await import("@cosmjs/stargate");
    const { connectComet } = await import("@cosmjs/tendermint-rpc");
    const { fromUtf8, toUtf8 } = await import("@cosmjs/encoding");
    const { QuerySmartContractStateRequest, QuerySmartContractStateResponse } = await import("cosmjs-types/cosmwasm/wasm/v1/query.js");
    const client = await import("@tranche-perps/client");
    const q = client.suiteQueryClients(await CosmWasmClient.connect(rpc), deployment);
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix: process.env.PREFIX ?? "wasm" });
    const [{ address }] = await wallet.getAccounts();

    // Fund page against the fund's queries. Its figures move every block (premium unlocks with
    // time), so they must equal the fund's state at one height between the page's start and its
    // ready mark, read by height through ABCI.
    const comet = await connectComet(rpc);
    const abci = QueryClient.withExtensions(comet);
    const smartAt = async (contract, msg, height) => {
      const data = QuerySmartContractStateRequest.encode({ address: contract, queryData: toUtf8(JSON.stringify(msg)) }).finish();
      const res = await abci.queryAbci("/cosmwasm.wasm.v1.Query/SmartContractState", data, height);
      return JSON.parse(fromUtf8(QuerySmartContractStateResponse.decode(res.value).data));
    };
    const h0 = (await comet.status()).syncInfo.latestBlockHeight;
    await page.goto(`${base}#/fund`, { waitUntil: "load" });
    await ready();
    const h1 = (await comet.status()).syncInfo.latestBlockHeight;
    // Every figure compared: the page's data-field and its value in the fund's `State`.
    const figures = [
      ...["junior", "senior"].flatMap((t) => ["assets", "supply", "price"].map((f) => [`${t}.${f}`, (s) => s[t][f]])),
      ["reserve", (s) => s.reserve],
      ["total_assets", (s) => s.total_assets],
      ["junior_ratio", (s) => s.junior_ratio ?? ""],
      ["coverage.target", (s) => s.coverage.target],
    ];
    const shown = {};
    for (const [field] of figures) shown[field] = await raw(field);
    let state, height;
    for (let h = h0; h <= h1 && state === undefined; h++) {
      const s = await smartAt(deployment.contracts.fund, { state: {} }, h);
      if (figures.every(([field, of]) => shown[field] === of(s))) [state, height] = [s, h];
    }
    check(`fund page shows the fund's state at one height in ${h0}..${h1}`, state !== undefined, height === undefined ? "" : `height ${height}`);
    state ??= await smartAt(deployment.contracts.fund, { state: {} }, h1);
    for (const [field, of] of figures) {
      check(`fund page ${field} matches the query`, shown[field] === of(state), `${shown[field]} vs ${of(state)}`);
    }
    // The loss simulation and the stress view are read by the page after the state; each must
    // equal its query at some height up to the ready mark.
    const matchAt = async (msg, same) => {
      for (let h = height ?? h0; h <= h1; h++) {
        const r = await smartAt(deployment.contracts.fund, msg, h);
        if (await same(r)) return { r, h };
      }
      return { r: await smartAt(deployment.contracts.fund, msg, h1), h: undefined };
    };
    const asked = await raw("sim.asked");
    if (asked !== undefined) {
      const sim = await matchAt({ simulate_loss: { amount: asked } },
        async (r) => (await raw("sim.from_junior")) === r.from_junior && (await raw("sim.from_senior")) === r.from_senior);
      check("loss simulation matches SimulateLoss", sim.h !== undefined,
        `${await raw("sim.from_junior")}/${await raw("sim.from_senior")} vs ${sim.r.from_junior}/${sim.r.from_senior}`);
    } else check("loss simulation shown", false);
    const stressed = await matchAt({ stress: { price_move: "-0.2" } }, async (r) =>
      (await raw("stress.bad_debt")) === r.engine.bad_debt && (await raw("stress.from_junior")) === r.loss.from_junior &&
        (await raw("stress.from_senior")) === r.loss.from_senior && (await raw("stress.unpaid")) === r.loss.unpaid);
    check("index crash of 20% matches the fund's Stress query", stressed.h !== undefined,
      `${await raw("stress.bad_debt")} vs ${stressed.r.engine.bad_debt}`);
    await shot("fund");

    // Connect the development key.
    await page.type("#mnemonic", mnemonic);
    await page.click("#use-mnemonic");
    await page.waitForSelector('[data-field="wallet.address"]', { timeout: 30_000 });
    check("development key connects", (await raw("wallet.address")) === address);

    // Deposit 1 coin into junior and see the shares.
    await page.goto(`${base}#/position`, { waitUntil: "load" });
    await ready();
    const before = await q.fund.underwriter({ address });
    const decimals = (await q.fund.config()).share_decimals - 3;
    await page.type('#deposit input[name="amount"]', "1");
    await page.waitForFunction(() => document.querySelector("#preview")?.dataset.raw, { timeout: 20_000 });
    const preview = await page.$eval("#preview", (el) => el.dataset.raw);
    await page.click("#deposit button");
    await page.waitForFunction(() => /status (ok|error)/.test(document.querySelector("#deposit-status")?.className ?? ""), { timeout: 60_000 });
    const depText = await page.$eval("#deposit-status", (el) => el.textContent);
    check("deposit succeeds", /Deposited/.test(depText), depText);
    await new Promise((r) => setTimeout(r, 3000));
    await ready();
    const after = await q.fund.underwriter({ address });
    const minted = BigInt(after.junior.shares) - BigInt(before.junior.shares);
    check("deposit minted the previewed shares", minted === BigInt(preview), `${minted} vs ${preview} (1 coin = ${10 ** decimals} base units)`);
    check("position page shows the new shares", (await raw("junior.shares")) === after.junior.shares);

    // Request a withdrawal of half the new shares and see its countdown.
    const half = (minted / 2n).toString();
    const sd = decimals + 3;
    const halfText = `${half.slice(0, -sd) || "0"}.${half.slice(-sd).padStart(sd, "0")}`;
    await page.type('#withdraw input[name="shares"]', halfText);
    await page.click("#withdraw button");
    await page.waitForFunction(() => /status (ok|error)/.test(document.querySelector("#withdraw-status")?.className ?? ""), { timeout: 60_000 });
    const wText = await page.$eval("#withdraw-status", (el) => el.textContent);
    check("withdrawal request succeeds", /requested/.test(wText), wText);
    await new Promise((r) => setTimeout(r, 3000));
    await ready();
    await page.waitForSelector("td.countdown", { timeout: 20_000 }).catch(() => undefined);
    const countdown = await page.$$eval("td.countdown", (tds) => tds.map((td) => td.textContent).at(-1)).catch(() => "");
    check("the request shows a countdown", /cooling down: claimable in|claimable: window closes in/.test(countdown ?? ""), countdown);
    await shot("position");

    // Vote on an open proposal the key may vote on.
    await page.goto(`${base}#/governance`, { waitUntil: "load" });
    await ready();
    const { proposals } = await q.governance.reverseProposals({ limit: 20 });
    let voted = false;
    for (const p of proposals.filter((p) => p.status === "open")) {
      const power = await q.governance.votingPower({ address, height: p.start_height }).catch(() => ({ power: "0" }));
      const mine = await q.governance.vote({ proposalId: p.id, voter: address });
      if (power.power === "0" || mine.vote) continue;
      const button = await page.$(`article[data-proposal="${p.id}"] button[data-vote="yes"]`);
      if (!button) continue;
      await button.click();
      await page.waitForFunction((id) => /status (ok|error)/.test(document.querySelector(`article[data-proposal="${id}"] .status`)?.className ?? ""), { timeout: 60_000 }, p.id);
      const vText = await page.$eval(`article[data-proposal="${p.id}"] .status`, (el) => el.textContent);
      const vote = await q.governance.vote({ proposalId: p.id, voter: address });
      check(`vote on proposal ${p.id}`, vote.vote?.vote === "yes", vText);
      voted = true;
      break;
    }
    // scripts/e2e.sh runs this after the gas probe, whose funder (this key) staked before its
    // proposal, so there is always an open proposal to vote on.
    check("a vote was cast from the page", voted, voted ? "" : `no open proposal on which ${address} had staked power and has not voted`);
    await new Promise((r) => setTimeout(r, 2500));
    await shot("governance");
    check("no uncaught page errors", pageErrors.length === 0, pageErrors.join("; "));
  }
} catch (err) {
  check("test run", false, err?.stack ?? String(err));
  await shot("failure").catch(() => undefined);
} finally {
  await browser.close();
  server.close();
}
console.log(`screenshots in ${out}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
