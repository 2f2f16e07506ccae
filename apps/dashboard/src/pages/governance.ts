// Governance: proposals with their actions in words, status, tally against quorum and threshold,
// timelock (and why a risky change waits the fund's exit window), vote, execute, close.
import type { GovernanceTypes } from "@tranche-perps/client";
import { chainNow, fee, syncClock, type Ctx } from "../chain";
import { act, esc, fig } from "../dom";
import { dateTime, duration, pct } from "../format";

type Action = GovernanceTypes.Action;
type Proposal = GovernanceTypes.ProposalResponse;

const fields = (o: object) =>
  Object.entries(o).filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k.replace(/_/g, " ")} to ${typeof v === "object" ? JSON.stringify(v) : v}`).join(", ");

/** One action of a proposal in words. */
export function describeAction(a: Action): string {
  if ("update_fund_params" in a) return `Change the fund's parameters: ${fields(a.update_fund_params)}.`;
  if ("set_fund_pause" in a) {
    const p = a.set_fund_pause;
    const parts = [p.deposits != null && `${p.deposits ? "pause" : "resume"} deposits`, p.withdrawals != null && `${p.withdrawals ? "pause" : "resume"} withdrawals`].filter(Boolean);
    return `In the fund: ${parts.join(" and ") || "change no pause"}.`;
  }
  if ("update_fund_config" in a) return `Set the fund's ${fields(a.update_fund_config)}.`;
  if ("add_market" in a) return `List a new market ${a.add_market.id} with ${a.add_market.feeders.length} price feeder(s).`;
  if ("update_market" in a) return `Change market ${a.update_market.market}: ${fields(a.update_market.params)}.`;
  if ("set_feeders" in a) return `Set the price feeders of ${a.set_feeders.market} to ${a.set_feeders.feeders.join(", ")}.`;
  if ("set_engine_pause" in a) return `Set the engine's pauses: ${fields(a.set_engine_pause)}.`;
  if ("update_engine_fees" in a) return `Change the engine's fee split: ${fields(a.update_engine_fees)}.`;
  if ("fund_ownership" in a || "engine_ownership" in a) {
    const target = "fund_ownership" in a ? "fund" : "engine";
    const g = "fund_ownership" in a ? a.fund_ownership : (a as { engine_ownership: GovernanceTypes.GovernorAction }).engine_ownership;
    if (g === "accept_ownership") return `Accept the governor role of the ${target}.`;
    if (g === "renounce_ownership") return `Renounce the governor role of the ${target}.`;
    return `Offer the governor role of the ${target} to ${g.transfer_ownership.new_owner}.`;
  }
  if ("update_gov_config" in a) return `Change governance's settings: ${fields(a.update_gov_config.rules)}, deposit ${a.update_gov_config.proposal_deposit}.`;
  if ("update_gov_addresses" in a) return `Change governance's addresses: ${fields(a.update_gov_addresses)}.`;
  if ("raw" in a) return `Send a raw message: ${JSON.stringify(a.raw).slice(0, 200)}.`;
  return JSON.stringify(a);
}

const STATUS: Record<string, string> = {
  open: "voting", passed: "passed", rejected: "rejected", vetoed: "vetoed", executed: "executed", execution_failed: "execution failed",
};

export async function governancePage(ctx: Ctx, root: HTMLElement): Promise<void> {
  await syncClock(ctx);
  const g = ctx.q.governance;
  const [{ proposals }, cfg] = await Promise.all([g.reverseProposals({ limit: 20 }), g.config()]);
  const now = chainNow(ctx);
  const me = ctx.wallet?.address;
  const votes = me
    ? await Promise.all(proposals.map((p) => g.vote({ proposalId: p.id, voter: me }).then((v) => v.vote ?? null, () => null)))
    : proposals.map(() => null);
  const power = me ? await g.votingPower({ address: me }).catch(() => null) : null;
  const p = ctx.fundConfig.params;

  const card = (pr: Proposal, i: number) => {
    const t = pr.tally;
    const cast = BigInt(t.yes) + BigInt(t.no) + BigInt(t.abstain) + BigInt(t.veto);
    const total = BigInt(pr.total_power);
    const quorumNeed = Number(pr.rules.quorum) * Number(total);
    const share = (v: string) => (total > 0n ? pct(String(Number(v) / Number(total))) : "0%");
    const risky = pr.timelock_seconds > pr.rules.timelock_seconds;
    const execAt = pr.executable_at ? Number(pr.executable_at) : null;
    const votingOpen = pr.status === "open" && now < Number(pr.voting_end) / 1e9;
    const my = votes[i];
    return `<article class="proposal" data-proposal="${pr.id}" data-status="${pr.status}">
      <h3>#${pr.id} ${esc(pr.title)} <span class="badge ${pr.status}">${STATUS[pr.status] ?? pr.status}</span></h3>
      <p>${esc(pr.description)}</p>
      <ol>${pr.actions.map((a) => `<li>${esc(describeAction(a))}</li>`).join("")}</ol>
      <p>Votes: yes ${fig(`p${pr.id}.yes`, t.yes, share(t.yes))}, no ${fig(`p${pr.id}.no`, t.no, share(t.no))},
        abstain ${share(t.abstain)}, veto ${share(t.veto)} of the power staked at block ${pr.start_height}.
        Quorum ${pct(pr.rules.quorum)}: ${Number(cast) >= quorumNeed ? "reached" : `not reached (${share(cast.toString())} voted)`};
        passes with more than ${pct(pr.rules.threshold)} yes of non-abstaining votes, vetoed at ${pct(pr.rules.veto_threshold)} veto.</p>
      <p>${pr.status === "open" ? `Voting ends ${esc(dateTime(Number(pr.voting_end) / 1e9))} (in ${duration(Number(pr.voting_end) / 1e9 - now)}).` : ""}
        Timelock ${fig(`p${pr.id}.timelock`, pr.timelock_seconds, duration(pr.timelock_seconds))}${risky
          ? ` — a risky change: it waits at least the fund's exit window (cooldown ${duration(p.cooldown_seconds)} + claim window ${duration(p.claim_window_seconds)}), not the ordinary ${duration(pr.rules.timelock_seconds)}, so underwriters who disagree can withdraw before it takes effect.`
          : " (the ordinary timelock: every change is on the reviewed safe list)."}
        ${execAt ? ` Executable from ${esc(dateTime(execAt / 1e9))}${execAt / 1e9 > now ? ` (in ${duration(execAt / 1e9 - now)})` : " (now)"}.` : ""}
        ${pr.execution_error ? `<br>Execution failed: ${esc(pr.execution_error)}` : ""}</p>
      ${my ? `<p>You voted <strong data-field="p${pr.id}.my_vote" data-raw="${my.vote}">${my.vote}</strong> with ${my.weight}.</p>` : ""}
      ${ctx.wallet ? `<div class="buttons">
        ${votingOpen && !my ? ["yes", "no", "abstain", "veto"].map((v) => `<button data-vote="${v}">Vote ${v}</button>`).join(" ") : ""}
        ${pr.status === "passed" && execAt !== null && execAt / 1e9 <= now ? `<button data-execute>Execute</button>` : ""}
        ${pr.status === "rejected" || pr.status === "vetoed" ? `<button data-close>Close</button>` : ""}
        <span class="status"></span></div>` : ""}
    </article>`;
  };

  root.innerHTML = `
    <section><p>Governance ${esc(ctx.deployment.contracts.governance)}: ordinary timelock ${duration(cfg.config.rules.timelock_seconds)},
      voting period ${duration(cfg.config.rules.voting_period_seconds)}, proposal deposit ${esc(cfg.config.proposal_deposit)}.
      ${power ? `Your staked voting power now: ${fig("my_power", power.power, power.power)}.` : ""}</p></section>
    <section>${proposals.length ? proposals.map(card).join("") : `<p class="muted" data-field="proposals" data-raw="0">No proposals yet.</p>`}</section>`;

  if (!ctx.wallet) return;
  const w = ctx.wallet;
  root.querySelectorAll<HTMLElement>("article.proposal").forEach((art) => {
    const id = Number(art.dataset.proposal);
    const status = art.querySelector<HTMLElement>(".status")!;
    art.querySelectorAll<HTMLButtonElement>("button").forEach((b) =>
      b.addEventListener("click", () =>
        void act(b, status, async () => {
          if (b.dataset.vote) await w.tx.governance.vote({ proposalId: id, vote: b.dataset.vote as GovernanceTypes.Vote }, fee(ctx));
          else if (b.hasAttribute("data-execute")) await w.tx.governance.execute({ proposalId: id }, fee(ctx));
          else await w.tx.governance.close({ proposalId: id }, fee(ctx));
          setTimeout(() => void governancePage(ctx, root), 1500);
          return b.dataset.vote ? `Voted ${b.dataset.vote} on proposal ${id}.` : `Done with proposal ${id}.`;
        }),
      ),
    );
  });
}
