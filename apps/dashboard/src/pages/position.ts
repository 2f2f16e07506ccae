// My position: shares and value per tranche, withdrawal requests with countdowns, deposit with a
// share preview and minimum-shares guard, withdrawal request, cancel, claim, expire.
import { requestWithdrawalHook } from "@tranche-perps/client";
import { chainNow, fee, syncClock, type Ctx } from "../chain";
import { act, esc, fig } from "../dom";
import { dateTime, duration, ns, toBaseUnits, units } from "../format";

let timer: number | undefined;

export async function positionPage(ctx: Ctx, root: HTMLElement): Promise<void> {
  if (timer) clearInterval(timer);
  const address = ctx.wallet?.address ?? ctx.cfg.address;
  if (!address) {
    root.innerHTML = `<p class="muted">Connect a wallet (top right) or open with <code>?address=…</code> to see a position.</p>`;
    return;
  }
  await syncClock(ctx);
  const u = await ctx.q.fund.underwriter({ address, limit: 30 });
  const cd = ctx.collateralDecimals;
  const sd = ctx.fundConfig.share_decimals;
  const sym = ctx.cfg.collateralSymbol;
  const p = ctx.fundConfig.params;
  const canSign = !!ctx.wallet;

  root.innerHTML = `
    <section class="cards">
      ${(["junior", "senior"] as const).map((t) => `<div class="card"><h3>${t === "junior" ? "Junior" : "Senior"}</h3>
        ${fig(`${t}.shares`, u[t].shares, `${units(u[t].shares, sd, 3)} shares`)}
        <small>worth ${fig(`${t}.value`, u[t].value, `${units(u[t].value, cd, 2)} ${sym}`)}</small></div>`).join("")}
    </section>
    <section>
      <h2>Withdrawal requests</h2>
      ${u.requests.length === 0 ? `<p class="muted" data-field="requests" data-raw="0">No pending requests.</p>` : `
      <table class="grid" data-field="requests" data-raw="${u.requests.length}">
        <thead><tr><th>#</th><th>Tranche</th><th>Shares</th><th>Pays now</th><th>Status</th><th></th></tr></thead>
        <tbody>${u.requests.map((r) => `<tr data-request="${r.id}">
          <td>${r.id}</td><td>${r.tranche}</td><td>${esc(units(r.shares, sd, 3))}</td><td>${esc(units(r.payout_now, cd, 2))} ${esc(sym)}</td>
          <td class="countdown" data-cooldown-end="${ns(r.cooldown_end)}" data-claim-deadline="${ns(r.claim_deadline)}"></td>
          <td>${canSign ? `<button data-claim="${r.id}">Claim</button> <button data-cancel="${r.id}">Cancel</button>
            <button data-expire="${r.id}" hidden>Expire</button>` : ""}</td></tr>`).join("")}</tbody>
      </table>`}
      <p class="note">A request waits ${duration(p.cooldown_seconds)} of cooldown, then can be claimed for ${duration(p.claim_window_seconds)};
        it pays the lower of the share price at request and at claim. Shares in cooldown still absorb losses.</p>
      <p id="req-status" class="status"></p>
    </section>
    ${canSign ? `
    <section class="forms">
      <form id="deposit"><h2>Deposit</h2>
        <label>Tranche <select name="tranche"><option value="junior">junior (first loss)</option><option value="senior">senior (second loss)</option></select></label>
        <label>Amount <input name="amount" inputmode="decimal" placeholder="0.0" size="12"> ${esc(sym)}</label>
        <p>You get about <span id="preview" data-raw="">–</span> shares; the deposit fails if fewer than
          <span id="min-shares" data-raw="">–</span> (a ${ctx.cfg.slippageBps / 100}% price move) would be minted.</p>
        <button type="submit">Deposit</button> <span class="status" id="deposit-status"></span>
      </form>
      <form id="withdraw"><h2>Request a withdrawal</h2>
        <label>Tranche <select name="tranche"><option value="junior">junior</option><option value="senior">senior</option></select></label>
        <label>Shares <input name="shares" inputmode="decimal" placeholder="0.0" size="12"></label>
        <button type="submit">Request</button> <span class="status" id="withdraw-status"></span>
      </form>
    </section>` : `<p class="muted">Connect a wallet to deposit or withdraw.</p>`}`;

  // Countdowns on the chain's clock.
  const tick = () => {
    const now = chainNow(ctx);
    root.querySelectorAll<HTMLElement>(".countdown").forEach((td) => {
      const end = Number(td.dataset.cooldownEnd), deadline = Number(td.dataset.claimDeadline);
      const row = td.closest("tr")!;
      const claim = row.querySelector<HTMLButtonElement>("[data-claim]");
      const expire = row.querySelector<HTMLButtonElement>("[data-expire]");
      let state: string;
      if (now < end) {
        state = "cooling_down";
        td.textContent = `cooling down: claimable in ${duration(end - now)} (${dateTime(end)})`;
      } else if (now < deadline) {
        state = "claimable";
        td.textContent = `claimable: window closes in ${duration(deadline - now)}`;
      } else {
        state = "lapsed";
        td.textContent = "lapsed: expire it to get the shares back";
      }
      td.dataset.status = state;
      if (claim) claim.disabled = state !== "claimable";
      if (expire) expire.hidden = state !== "lapsed";
    });
  };
  tick();
  timer = window.setInterval(tick, 1000);
  if (!ctx.wallet) return;
  const w = ctx.wallet;
  const reqStatus = root.querySelector<HTMLElement>("#req-status")!;
  const rerender = () => positionPage(ctx, root);

  root.querySelectorAll<HTMLButtonElement>("[data-claim],[data-cancel],[data-expire]").forEach((b) =>
    b.addEventListener("click", () => {
      const id = Number(b.dataset.claim ?? b.dataset.cancel ?? b.dataset.expire);
      void act(b, reqStatus, async () => {
        const f = fee(ctx);
        if (b.dataset.claim) await w.tx.fund.claimWithdrawal({ requestId: id }, f);
        else if (b.dataset.cancel) await w.tx.fund.cancelWithdrawal({ requestId: id }, f);
        else await w.tx.fund.expireWithdrawal({ requestId: id }, f);
        setTimeout(() => void rerender(), 1500);
        return `Request ${id} ${b.dataset.claim ? "claimed" : b.dataset.cancel ? "cancelled" : "expired"}.`;
      });
    }),
  );

  const dep = root.querySelector<HTMLFormElement>("#deposit")!;
  const preview = root.querySelector<HTMLElement>("#preview")!;
  const minEl = root.querySelector<HTMLElement>("#min-shares")!;
  const depStatus = root.querySelector<HTMLElement>("#deposit-status")!;
  let minShares = 0n;
  const updatePreview = async () => {
    const data = new FormData(dep);
    let amount: bigint;
    try {
      amount = toBaseUnits(String(data.get("amount") || "0"), cd);
    } catch (err) {
      preview.textContent = (err as Error).message;
      return;
    }
    if (amount === 0n) {
      preview.textContent = minEl.textContent = "–";
      return;
    }
    const { shares } = await ctx.q.fund.previewDeposit({ tranche: data.get("tranche") as "junior" | "senior", amount: amount.toString() });
    minShares = (BigInt(shares) * BigInt(10_000 - ctx.cfg.slippageBps)) / 10_000n;
    preview.dataset.raw = shares;
    minEl.dataset.raw = minShares.toString();
    preview.textContent = units(shares, sd, 6);
    minEl.textContent = units(minShares, sd, 6);
  };
  dep.addEventListener("input", () => void updatePreview().catch(() => undefined));
  dep.addEventListener("submit", (e) => {
    e.preventDefault();
    void act(dep.querySelector("button")!, depStatus, async () => {
      const data = new FormData(dep);
      const amount = toBaseUnits(String(data.get("amount") || "0"), cd);
      await updatePreview();
      const tranche = data.get("tranche") as "junior" | "senior";
      const res = await w.tx.fund.deposit({ tranche, minShares: minShares.toString() }, fee(ctx), "dashboard deposit", [
        { denom: ctx.fundConfig.collateral_denom, amount: amount.toString() },
      ]);
      setTimeout(() => void rerender(), 1500);
      return `Deposited ${units(amount, cd)} ${sym} into ${tranche} (tx ${res.transactionHash.slice(0, 10)}…).`;
    });
  });

  const wd = root.querySelector<HTMLFormElement>("#withdraw")!;
  wd.addEventListener("submit", (e) => {
    e.preventDefault();
    void act(wd.querySelector("button")!, root.querySelector<HTMLElement>("#withdraw-status")!, async () => {
      const data = new FormData(wd);
      const tranche = data.get("tranche") as "junior" | "senior";
      const shares = toBaseUnits(String(data.get("shares") || "0"), sd);
      const token = tranche === "junior" ? w.tx.juniorToken : w.tx.seniorToken;
      await token.send({ contract: ctx.deployment.contracts.fund, amount: shares.toString(), msg: requestWithdrawalHook() }, fee(ctx));
      setTimeout(() => void rerender(), 1500);
      return `Withdrawal of ${units(shares, sd)} ${tranche} shares requested.`;
    });
  });
}
