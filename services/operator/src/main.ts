#!/usr/bin/env node
// tranche-operator: keeper, price pushers and monitor of a tranche-perps deployment.
//
//   node dist/src/main.js --config operator.json [run|keeper|pusher|monitor]
//
// `run` (the default) starts every part the config enables; the others start one part.
import { CosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { PerpEngineQueryClient } from "@tranche-perps/client";
import { loadConfig, pushPolicy, readMnemonic, type Config } from "./config";
import { Signer } from "./chain";
import { Keeper } from "./keeper";
import { Pusher } from "./pusher";
import { Monitor } from "./monitor";
import { createMetrics } from "./metrics";
import { logger } from "./log";
import { loadState, saveState } from "./state";
import { ReplaySource } from "./sources/replay";
import { HermesSource } from "./sources/hermes";
import { backoffDelay, sleep } from "./backoff";

function args(argv: string[]) {
  let config = process.env.OPERATOR_CONFIG ?? "operator.json";
  let mode = "run";
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--config") config = argv[++i];
    else if (["run", "keeper", "pusher", "monitor"].includes(argv[i])) mode = argv[i];
    else if (argv[i] === "--help" || argv[i] === "-h") {
      console.log("usage: tranche-operator --config <file.json> [run|keeper|pusher|monitor]");
      process.exit(0);
    } else throw new Error(`unknown argument ${argv[i]}`);
  }
  return { config, mode };
}

/** Runs `step` forever every `intervalMs`, backing off with jitter while it fails. */
async function loop(name: string, intervalMs: number, step: () => Promise<void>, cfg: Config, log: ReturnType<typeof logger>, stop: { stopped: boolean }) {
  let failures = 0;
  while (!stop.stopped) {
    try {
      await step();
      failures = 0;
      await sleep(intervalMs);
    } catch (e) {
      const delay = Math.max(intervalMs, backoffDelay(failures++, { base_ms: cfg.backoff?.base_ms ?? 500, cap_ms: cfg.backoff?.cap_ms ?? 30_000 }));
      log.error(`${name} round failed`, { error: e instanceof Error ? e.message : String(e), retry_in_ms: delay, failures });
      await sleep(delay);
    }
  }
}

async function main() {
  const { config: path, mode } = args(process.argv.slice(2));
  const { config, deployment, dir } = loadConfig(path);
  const log = logger(config.log_level ?? "info", { service: "tranche-operator" });
  const metrics = createMetrics();
  const client = await CosmWasmClient.connect(config.rpc);
  const chainId = await client.getChainId();
  if (chainId !== deployment.chain_id) throw new Error(`the node's chain id ${chainId} is not the deployment's ${deployment.chain_id}`);
  const startHeight = config.keeper?.start_height ?? 1;
  const state = loadState(config.state_file, startHeight);
  saveState(config.state_file, state);
  const signerOpts = {
    rpc: config.rpc,
    prefix: config.bech32_prefix,
    gasPrice: config.gas_price,
    gasMargin: config.gas_margin ?? 1.4,
    gasLimit: config.gas_limit,
    fallbackGasLimit: config.fallback_gas_limit,
    chainId,
    contracts: { engine: deployment.contracts.engine, fund: deployment.contracts.fund },
  };
  const stop = { stopped: false };
  const tasks: Promise<void>[] = [];
  const feeders: string[] = [];
  let keeperAddress: string | undefined;

  const wantKeeper = (mode === "run" || mode === "keeper") && config.keeper && config.keeper.enabled !== false;
  const wantPushers = mode === "run" || mode === "pusher";
  const wantMonitor = (mode === "run" || mode === "monitor") && config.monitor && config.monitor.enabled !== false;

  if (wantKeeper && config.keeper) {
    const signer = await Signer.connect(readMnemonic(config.keeper.key, dir), signerOpts, log);
    keeperAddress = signer.address;
    const keeper = new Keeper(client, signer, deployment, config.keeper, config, state, log.child({ part: "keeper", keeper: signer.address }), metrics);
    log.info("keeper started", { address: signer.address, scan_from: state.engine_scan_height + 1 });
    tasks.push(loop("keeper", config.keeper.interval_ms ?? 2000, () => keeper.round(), config, log, stop));
  } else if (config.keeper?.key) {
    try {
      const w = await DirectSecp256k1HdWallet.fromMnemonic(readMnemonic(config.keeper.key, dir), { prefix: config.bech32_prefix });
      keeperAddress = (await w.getAccounts())[0].address;
    } catch {
      /* the monitor runs without the keeper's key */
    }
  }
  if (wantPushers) {
    const engine = new PerpEngineQueryClient(client, deployment.contracts.engine);
    for (const p of config.pushers ?? []) {
      const market = await engine.market({ market: p.market });
      const policy = pushPolicy(p, market.params.oracle_max_age_seconds);
      const signer = await Signer.connect(readMnemonic(p.key, dir), signerOpts, log);
      if (!market.feeders.includes(signer.address)) log.warn("the pusher's key is not a feeder of its market: its pushes will be refused", { market: p.market, feeder: signer.address });
      feeders.push(signer.address);
      let replayStart = 0;
      if (p.source.kind === "replay" && p.source.relative) {
        // A relative replay starts at the chain's time of the first start and continues across restarts.
        const block = await client.getBlock();
        state.replay_starts[p.source.file] ??= Math.floor(new Date(block.header.time).getTime() / 1000);
        replayStart = state.replay_starts[p.source.file];
        saveState(config.state_file, state);
      }
      const source =
        p.source.kind === "replay"
          ? new ReplaySource(p.source.file, { relative: p.source.relative, start: replayStart, publish_step_seconds: p.source.publish_step_seconds })
          : new HermesSource(p.source.endpoint, p.source.feed_id, { timeout_ms: p.source.timeout_ms, max_conf_ratio: p.source.max_conf_ratio });
      const pusher = new Pusher(client, signer, p.market, source, policy, state, config.state_file, log.child({ part: "pusher", market: p.market, feeder: signer.address }), metrics);
      log.info("pusher started", { market: p.market, feeder: signer.address, source: source.name, ...policy });
      tasks.push(loop(`pusher ${p.market}`, p.poll_ms ?? 1000, () => pusher.tick(), config, log, stop));
    }
  }
  let monitor: Monitor | undefined;
  if (wantMonitor && config.monitor) {
    monitor = new Monitor(client, deployment, metrics, log.child({ part: "monitor" }), {
      stallSeconds: config.monitor.chain_stall_seconds ?? 60,
      feeDenom: config.fee_denom,
      keeper: keeperAddress,
      feeders,
    });
    await monitor.read();
    const host = config.monitor.host ?? "127.0.0.1";
    await monitor.listen(host, config.monitor.port);
    log.info("monitor listening", { url: `http://${host}:${config.monitor.port}/metrics` });
    const m = monitor;
    tasks.push(loop("monitor", config.monitor.interval_ms ?? 3000, () => m.read(), config, log, stop));
  }
  if (tasks.length === 0) throw new Error(`nothing to run in mode ${mode}: enable keeper, pushers or monitor in the config`);
  const shutdown = (sig: string) => {
    log.info("stopping", { signal: sig });
    stop.stopped = true;
    monitor?.close();
    setTimeout(() => process.exit(0), 200).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  await Promise.all(tasks);
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), level: "error", msg: "fatal", error: e instanceof Error ? e.message : String(e) }) + "\n");
  process.exit(1);
});
