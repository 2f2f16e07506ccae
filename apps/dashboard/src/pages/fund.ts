// The fund: tranches, waterfall, coverage, junior ratio, reserve, yields, the loss ledger, what an
// index crash would cost each layer now (the fund's on-chain Stress query, which asks the engine's
// StressLoss for the bad debt) and a plain shortfall simulation (SimulateLoss).
import { readableError, type InsuranceFundTypes } from "@tranche-perps/client";
import type { Ctx } from "../chain";
import { dateTime, ns, pct, perShare, units, bps } from "../format";
import { esc, fig } from "../dom";

type TrancheView = InsuranceFundTypes.TrancheView;
const DAY = 86_400;

export async function fundPage(ctx: Ctx, root: HTMLElement): Promise<void> {
  const { fund } = ctx.q;
  const [state, ledger] = await Promise.all([fund.state(), fund.lossLedger({ limit: 30 })]);
  const params = ctx.fundConfig.params;
  const cd = ctx.collateralDecimals;
  const sd = ctx.fundConfig.share_decimals;
  const sym = ctx.cfg.collateralSymbol;
  const money = (field: string, v: string) => fig(field, v, `${units(v, cd, 2)} ${sym}`);

  // Yields: the fund's Yield query compares the share price now with the price a window ago.
  const yields = await Promise.all(
    (["junior", "senior"] as const).flatMap((tranche) =>
      [7, 30].map((days) =>
        fund.yield({ tranche, windowSeconds: days * DAY }).then(
          (y) => ({ tranche, days, y, err: "" }),
          (err: unknown) => ({ tranche, days, y: undefined, err: String((err as Error).message ?? err) }),
        ),
      ),
    ),
  );
  const yieldCell = (tranche: string, days: number) => {
    const r = yields.find((x) => x.tranche === tranche && x.days === days)!;
    if (!r.y) return `<td class="muted">not available</td>`;
    const covered = Number(r.y.from) ? ` <small>since ${esc(dateTime(ns(r.y.from)))}</small>` : "";
    // Under a day of history, an annualized figure is mostly noise (a loss an hour ago
    // annualizes to millions of percent): show the change over the time covered instead.
    if (Number(r.y.from) && Date.now() / 1000 - ns(r.y.from) < DAY) {
      const change = Number(r.y.price_then) > 0 ? Number(r.y.price_now) / Number(r.y.price_then) - 1 : 0;
      return `<td>${fig(`yield.${tranche}.${days}d`, r.y.annualized, pct(String(change)))} <small>not annualized: under a day of history</small>${covered}</td>`;
    }
    return `<td>${fig(`yield.${tranche}.${days}d`, r.y.annualized, pct(r.y.annualized))} a year${covered}</td>`;
  };

  const tranche = (t: TrancheView, place: string) => `
    <tr data-tranche="${t.tranche}">
      <th>${t.tranche === "junior" ? "Junior" : "Senior"}<br><small>${place}</small></th>
      <td>${money(`${t.tranche}.assets`, t.assets)}</td>
      <td>${fig(`${t.tranche}.supply`, t.supply, units(t.supply, sd, 3))}</td>
      <td>${fig(`${t.tranche}.price`, t.price, perShare(t.price, sd, cd))} ${sym}</td>
      <td>${fig(`${t.tranche}.pending`, t.pending_withdrawal_shares, units(t.pending_withdrawal_shares, sd, 3))}</td>
      <td>${t.locked_premium ? money(`${t.tranche}.locked_premium`, t.locked_premium) : "0"}</td>
      <td>${typeof t.deposit_cap === "string" ? "unlimited" : `${units(t.deposit_cap.limit, cd, 0)} ${sym}`}</td>
      ${yieldCell(t.tranche, 7)}${yieldCell(t.tranche, 30)}
    </tr>`;

  const cov = state.coverage;
  const covTarget = BigInt(cov.target);
  const ratioMin = params.min_junior_ratio;
  const jr = state.junior_ratio;
  const jrOk = jr == null || Number(jr) >= Number(ratioMin);

  root.innerHTML = `
    <section>
      <h2>Tranches</h2>
      <table class="grid">
        <thead><tr><th>Tranche</th><th>Assets</th><th>Shares</th><th>Share price</th><th>Shares leaving</th>
          <th>Premium unlocking</th><th>Deposit cap</th><th>Yield 7 days</th><th>Yield 30 days</th></tr></thead>
        <tbody>
          ${tranche(state.junior, "first loss: pays after the reserve")}
          ${tranche(state.senior, `second loss: pays once junior is down to ${units(params.min_remaining, cd)} ${sym}`)}
        </tbody>
      </table>
      <p class="note">Waterfall of a shortfall: the reserve pays first, then junior down to its last
        ${esc(units(params.min_remaining, cd))} ${esc(sym)}, then senior; at most ${bps(params.max_payout_bps)} of the fund's
        assets per ${params.payout_window_seconds / 3600} h window. Yields are annualized from the share price change over the window
        (the fund's <code>Yield</code> query; a younger fund reports since its first price).</p>
    </section>
    <section class="cards">
      <div class="card"><h3>Total assets</h3>${money("total_assets", state.total_assets)}</div>
      <div class="card"><h3>Reserve</h3>${money("reserve", state.reserve)}<small>pays losses before the tranches</small></div>
      <div class="card ${covTarget > 0n && BigInt(cov.total_assets) < covTarget ? "warn" : ""}"><h3>Coverage</h3>
        ${money("coverage.total_assets", cov.total_assets)} against a target of ${fig("coverage.target", cov.target, `${units(cov.target, cd, 2)} ${sym}`)}
        <small>${bps(params.target_coverage_bps)} of open interest ${esc(units(cov.open_interest_notional, cd, 2))} ${esc(sym)};
        ratio ${fig("coverage.ratio", cov.coverage_ratio ?? "", cov.coverage_ratio ? pct(cov.coverage_ratio) : "no open interest")}</small></div>
      <div class="card ${jrOk ? "" : "warn"}"><h3>Junior ratio</h3>${fig("junior_ratio", jr ?? "", jr == null ? "no assets" : pct(jr))}
        <small>minimum ${fig("min_junior_ratio", ratioMin, pct(ratioMin))}${jrOk ? "" : ": below it, senior deposits and junior withdrawals wait"}</small></div>
      <div class="card"><h3>Payout window</h3>${money("payout_window.paid", state.payout_window.paid)} paid of
        ${money("payout_window.cap", state.payout_window.cap)}<small>until ${esc(dateTime(ns(state.payout_window.end)))}</small></div>
    </section>
    <section>
      <h2>What an index crash costs each tranche now</h2>
      <label>Every market's index moves by <input id="stress" type="range" min="-60" max="60" step="5" value="-20"> <output id="stress-pct">-20</output>%</label>
      <div id="stress-result" class="cards"></div>
      <p class="note">The engine estimates the bad debt from its book in bounded gas (positions grouped by
        bankruptcy price; the estimate is exact to within the error shown); the fund runs it through the
        waterfall and the payout cap as it stands now (the <code>Stress</code> query).</p>
    </section>
    <section>
      <h2>What a shortfall costs each tranche</h2>
      <label>Shortfall of <input id="crash" type="range" min="0" max="100" step="1" value="10"> <output id="crash-pct">10</output>% of the fund's assets</label>
      <div id="crash-result" class="cards"></div>
    </section>
    <section>
      <h2>Loss ledger</h2>
      ${ledger.losses.length === 0 ? `<p class="muted" data-field="losses" data-raw="0">No losses so far.</p>` : `
      <table class="grid" data-field="losses" data-raw="${ledger.losses.length}">
        <thead><tr><th>Shortfall</th><th>Time</th><th>Asked</th><th>Reserve paid</th><th>Junior paid</th><th>Senior paid</th><th>Unpaid</th></tr></thead>
        <tbody>${ledger.losses.map((l) => `<tr><td>#${l.shortfall_id}${l.engine_epoch ? ` <small>(engine ${l.engine_epoch})</small>` : ""}</td>
          <td>${esc(dateTime(ns(l.time)))}</td><td>${esc(units(l.asked, cd, 2))}</td><td>${esc(units(l.paid_by_reserve, cd, 2))}</td>
          <td>${esc(units(l.paid_by_junior, cd, 2))}</td><td>${esc(units(l.paid_by_senior, cd, 2))}</td><td>${esc(units(l.unpaid, cd, 2))}</td></tr>`).join("")}</tbody>
      </table>`}
    </section>`;

  const slider = root.querySelector<HTMLInputElement>("#crash")!;
  const out = root.querySelector<HTMLElement>("#crash-result")!;
  let seq = 0;
  const simulate = async () => {
    const p = Number(slider.value);
    root.querySelector("#crash-pct")!.textContent = String(p);
    const amount = ((BigInt(state.total_assets) + BigInt(state.reserve)) * BigInt(p)) / 100n;
    const mine = ++seq;
    try {
      const s = await fund.simulateLoss({ amount: amount.toString() });
      if (mine !== seq) return;
      const priceChange = (before: string, after: string) =>
        Number(before) > 0 ? pct(String(Number(after) / Number(before) - 1)) : "n/a";
      out.innerHTML = `
        <div class="card"><h3>Loss</h3>${money("sim.asked", s.asked)}<small>payable now at most ${esc(units(s.cap_remaining, cd, 2))} ${esc(sym)}</small></div>
        <div class="card"><h3>Reserve pays</h3>${money("sim.from_reserve", s.from_reserve)}</div>
        <div class="card"><h3>Junior pays</h3>${money("sim.from_junior", s.from_junior)}<small>share price ${esc(perShare(s.junior_price_after, sd, cd))} ${sym} (${priceChange(state.junior.price, s.junior_price_after)})</small></div>
        <div class="card"><h3>Senior pays</h3>${money("sim.from_senior", s.from_senior)}<small>share price ${esc(perShare(s.senior_price_after, sd, cd))} ${sym} (${priceChange(state.senior.price, s.senior_price_after)})</small></div>
        <div class="card ${BigInt(s.unpaid) > 0n ? "warn" : ""}"><h3>Unpaid</h3>${money("sim.unpaid", s.unpaid)}<small>beyond the payout cap or the tranches</small></div>`;
    } catch (err) {
      out.textContent = readableError(err);
    }
  };
  slider.addEventListener("input", () => void simulate());

  const stressSlider = root.querySelector<HTMLInputElement>("#stress")!;
  const stressOut = root.querySelector<HTMLElement>("#stress-result")!;
  let stressSeq = 0;
  const stress = async () => {
    const p = Number(stressSlider.value);
    root.querySelector("#stress-pct")!.textContent = String(p);
    const mine = ++stressSeq;
    try {
      const s = await fund.stress({ priceMove: String(p / 100) });
      if (mine !== stressSeq) return;
      const l = s.loss;
      stressOut.innerHTML = `
        <div class="card ${BigInt(s.engine.bad_debt) > 0n ? "warn" : ""}"><h3>Bad debt</h3>${money("stress.bad_debt", s.engine.bad_debt)}
          <small>within ${fig("stress.max_error", s.engine.max_error, `${units(s.engine.max_error, cd, 2)} ${sym}`)}, over ${s.engine.markets.length} market${s.engine.markets.length === 1 ? "" : "s"}</small></div>
        <div class="card"><h3>Reserve pays</h3>${money("stress.from_reserve", l.from_reserve)}</div>
        <div class="card"><h3>Junior pays</h3>${money("stress.from_junior", l.from_junior)}<small>share price ${esc(perShare(l.junior_price_after, sd, cd))} ${sym}</small></div>
        <div class="card"><h3>Senior pays</h3>${money("stress.from_senior", l.from_senior)}<small>share price ${esc(perShare(l.senior_price_after, sd, cd))} ${sym}</small></div>
        <div class="card ${BigInt(l.unpaid) > 0n ? "warn" : ""}"><h3>Socialized</h3>${money("stress.unpaid", l.unpaid)}<small>beyond the payout cap or the tranches: traders in profit bear it</small></div>`;
    } catch (err) {
      stressOut.textContent = readableError(err);
    }
  };
  stressSlider.addEventListener("input", () => void stress());
  await Promise.all([simulate(), stress()]);
}
