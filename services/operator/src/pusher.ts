// A price pusher: one feeder key, one market, one source. Polls the source, decides with
// decide/push.ts, pushes with the feeder's key and remembers what it pushed in the state file
// (so a restart never pushes an older price than before).
import type { CosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import { contractErrorText } from "@tranche-perps/client";
import { decidePush, type PushPolicy } from "./decide/push";
import type { Signer } from "./chain";
import type { PriceSource } from "./sources/types";
import type { Logger } from "./log";
import { timed, type Metrics } from "./metrics";
import { classify } from "./outcome";
import { saveState, type OperatorState } from "./state";

export class Pusher {
  lastOk = 0;
  constructor(
    private client: CosmWasmClient,
    private signer: Signer,
    private market: string,
    private source: PriceSource,
    private policy: PushPolicy,
    private state: OperatorState,
    private stateFile: string,
    private log: Logger,
    private metrics?: Metrics,
  ) {}

  get key(): string {
    return `${this.market}/${this.signer.address}`;
  }

  async tick(): Promise<void> {
    // The chain's clock: a publish time after the latest block's time would be refused as
    // from the future.
    const block = await timed(this.metrics, "block", () => this.client.getBlock());
    const chainNow = Math.floor(new Date(block.header.time).getTime() / 1000);
    const reading = await timed(this.metrics, "source", () => this.source.latest(chainNow));
    if (!reading) return;
    if (reading.publish_time > chainNow) reading.publish_time = chainNow;
    const mem = this.state.pushers[this.key] ?? {};
    const d = decidePush(reading, mem, this.policy, chainNow);
    const labels = { market: this.market, feeder: this.signer.address };
    this.metrics?.pushes.inc({ ...labels, reason: d.reason });
    if (mem.last_pushed) this.metrics?.lastPushAge.set(labels, chainNow - mem.last_pushed.publish_time);
    if (!d.push) {
      if (d.reason === "jump_held") this.log.warn("price jump held until a second reading confirms it", { ...labels, price: reading.price, last: mem.last_pushed?.price });
      if (d.memory !== mem) {
        this.state.pushers[this.key] = d.memory;
        saveState(this.stateFile, this.state);
      }
      this.lastOk = Date.now();
      return;
    }
    try {
      const res = await this.signer.send({ contract: "engine", msg: { push_price: { market: this.market, price: d.reading.price, publish_time: d.reading.publish_time } } });
      this.state.pushers[this.key] = d.memory;
      saveState(this.stateFile, this.state);
      this.metrics?.actions.inc({ kind: "push_price", result: "done" });
      this.log.info("price pushed", { ...labels, price: d.reading.price, publish_time: d.reading.publish_time, reason: d.reason, tx: res.hash });
      this.lastOk = Date.now();
    } catch (e) {
      const outcome = classify(e);
      if (outcome === "benign") {
        // Our push landed already (a retry after a timeout): remember it.
        this.state.pushers[this.key] = d.memory;
        saveState(this.stateFile, this.state);
        this.metrics?.actions.inc({ kind: "push_price", result: "benign" });
        return;
      }
      this.metrics?.actions.inc({ kind: "push_price", result: outcome === "wait" ? "wait" : "failed" });
      this.log[outcome === "wait" ? "info" : "error"]("price push failed", { ...labels, error: contractErrorText(e) });
    }
  }
}
