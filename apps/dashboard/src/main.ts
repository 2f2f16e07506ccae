import "./style.css";
import { readableError } from "@tranche-perps/client";
import { loadConfig, loadDeployment, rpcUrl, type Config } from "./config";
import {
  connect, connectKeplr, connectMnemonic, devSignerAllowed, keplr, mnemonicAddress, type Ctx,
} from "./chain";
import { $, banner, esc } from "./dom";
import { fundPage } from "./pages/fund";
import { positionPage } from "./pages/position";
import { governancePage } from "./pages/governance";

type Page = (ctx: Ctx, root: HTMLElement) => Promise<void>;
const PAGES: Record<string, Page> = { fund: fundPage, position: positionPage, governance: governancePage };
let ctx: Ctx | undefined;

function route(): string {
  const name = location.hash.replace(/^#\/?/, "").split("?")[0];
  return name in PAGES ? name : "fund";
}

async function render(): Promise<void> {
  const name = route();
  document.querySelectorAll("[data-nav]").forEach((a) => a.classList.toggle("active", a.getAttribute("data-nav") === name));
  const root = $("#page");
  if (!ctx) return;
  root.innerHTML = `<p class="loading">Loading…</p>`;
  root.dataset.page = name;
  root.dataset.ready = "false";
  try {
    await PAGES[name](ctx, root);
    banner(null);
  } catch (err) {
    root.innerHTML = "";
    banner(readableError(err));
  }
  root.dataset.ready = "true";
}

function renderWallet(cfg: Config): void {
  const el = $("#wallet");
  if (!ctx) {
    el.innerHTML = "";
    return;
  }
  if (ctx.wallet) {
    el.innerHTML = `<span data-field="wallet.address" data-raw="${esc(ctx.wallet.address)}">${esc(ctx.wallet.address)}</span>
      <small>(${ctx.wallet.kind === "keplr" ? "Keplr" : "development key"})</small>`;
    return;
  }
  const dev = devSignerAllowed(ctx.deployment);
  el.innerHTML = `${keplr() ? `<button id="keplr">Connect Keplr</button>` : ""}
    ${dev ? `<input id="mnemonic" type="password" placeholder="development mnemonic (localnet only)" autocomplete="off" size="30">
      <button id="use-mnemonic">Use key</button>` : keplr() ? "" : "<small>Install Keplr to sign.</small>"}
    <span id="wallet-status" class="status"></span>`;
  const status = el.querySelector<HTMLElement>("#wallet-status")!;
  el.querySelector("#keplr")?.addEventListener("click", async () => {
    try {
      ctx!.wallet = await connectKeplr(ctx!);
      renderWallet(cfg);
      await render();
    } catch (err) {
      status.textContent = readableError(err);
    }
  });
  el.querySelector("#use-mnemonic")?.addEventListener("click", async () => {
    const phrase = (el.querySelector("#mnemonic") as HTMLInputElement).value || cfg.devMnemonic;
    try {
      status.textContent = `key ${await mnemonicAddress(phrase, cfg.prefix)}: connecting…`;
      ctx!.wallet = await connectMnemonic(ctx!, phrase);
      renderWallet(cfg);
      await render();
    } catch (err) {
      status.textContent = readableError(err);
    }
  });
}

async function start(): Promise<void> {
  const cfg = await loadConfig();
  $("#footer").textContent = `RPC ${rpcUrl(cfg)} · deployment ${cfg.deployment}`;
  try {
    const deployment = await loadDeployment(cfg);
    $("#footer").textContent = `chain ${deployment.chain_id} · RPC ${rpcUrl(cfg)} · fund ${deployment.contracts.fund}`;
    try {
      ctx = await connect(cfg, deployment);
    } catch (err) {
      const text = readableError(err);
      throw new Error(
        /Cannot reach the chain/.test(text)
          ? `Cannot reach the chain at ${rpcUrl(cfg)}: the RPC endpoint does not answer. Start the localnet (scripts/localnet.sh start) or set the RPC address.`
          : text,
      );
    }
    if (cfg.devMnemonic && devSignerAllowed(deployment)) {
      ctx.wallet = await connectMnemonic(ctx, cfg.devMnemonic).catch(() => undefined);
    }
  } catch (err) {
    banner(readableError(err));
    $("#page").dataset.ready = "true";
    document.body.dataset.state = "offline";
    return;
  }
  document.body.dataset.state = "online";
  renderWallet(cfg);
  window.addEventListener("hashchange", () => void render());
  await render();
}

void start();
