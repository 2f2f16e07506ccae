// Contract and chain errors as sentences for people. CosmJS reports a failed transaction or
// query with the node's wrapping around the contract's typed error (e.g. "Error when
// broadcasting tx ... Raw log: failed to execute message; message index: 0: deposits are
// paused: execute wasm contract failed"); `contractErrorText` strips the wrapping and
// `readableError` turns the typed errors of the fund, governance and cw20 into plain sentences.

/** A time in seconds since the epoch, in UTC, to the second. */
export function formatTime(seconds: number | string): string {
  const ms = Number(seconds) * 1000;
  if (!Number.isFinite(ms)) return String(seconds);
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === "string") return err;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}

/** The contract's own error text inside a CosmJS / wasmd error message (or the message itself). */
export function contractErrorText(err: unknown): string {
  let text = messageOf(err).trim();
  // Transaction failures: DeliverTx ("Raw log: ...") and CheckTx ("Log: ...").
  const raw = /(?:Raw log|Log): ([\s\S]*)$/.exec(text);
  if (raw) text = raw[1];
  // Query failures: "Query failed with (6): rpc error: code = Unknown desc = ...".
  text = text.replace(/^Query failed with \(\d+\): /, "");
  text = text.replace(/^rpc error: code = \w+ desc = /, "");
  text = text.replace(/^failed to execute message; message index: \d+: /, "");
  text = text.replace(/^dispatch: submessages: /, "");
  // wasmd's suffixes, possibly repeated for nested calls.
  for (;;) {
    const next = text
      .replace(/: (?:execute|query|instantiate|migrate) wasm contract failed(?:: \w+ request)?$/, "")
      .replace(/ \[[^\]]*\/[^\]]*\.go:\d+\]$/, "")
      .replace(/: unknown request$/, "")
      .replace(/: invalid request$/, "");
    if (next === text) break;
    text = next;
  }
  text = text.replace(/^(?:Generic error: )+/, "").replace(/^Querier contract error: /, "");
  text = text.replace(/^(?:Generic error: )+/, "");
  return text.trim();
}

type Rule = [RegExp, (m: RegExpExecArray) => string];

// The typed errors of contracts/insurance-fund/src/error.rs, contracts/governance/src/error.rs
// and cw20-base, with what the person can do about each.
const RULES: Rule[] = [
  // Insurance fund.
  [/^deposits are paused$/, () => "Deposits into the fund are paused by its governor or guardian."],
  [/^withdrawals are paused$/, () => "Withdrawals are paused by the fund's governor; cancelling a request still works."],
  [/^deposit would mint zero shares$/, () => "This deposit is too small to buy even one share unit."],
  [/^deposit would mint (\d+) shares, less than the minimum (\d+)$/, (m) =>
    `The share price moved: this deposit would now mint ${m[1]} share units, fewer than your minimum of ${m[2]}. Preview again and retry.`],
  [/^deposit would take (\w+) assets to (\d+), above the cap (\d+)$/, (m) =>
    `The ${m[1].toLowerCase()} tranche is full: this deposit would take its assets to ${m[2]}, above its cap of ${m[3]} base units.`],
  [/^junior ratio would fall to ([\d.]+), below the minimum ([\d.]+)$/, (m) =>
    `Refused to protect senior holders: the junior tranche would be ${pct(m[1])} of the fund, below the minimum of ${pct(m[2])}.`],
  [/^withdrawal claims are paused by a price shock in the engine until (\d+)$/, (m) =>
    `Claims are paused by a price shock in the perp engine until ${formatTime(m[1])}. Your request keeps its place; claim after that.`],
  [/^withdrawal request (\d+) not found$/, (m) => `Withdrawal request ${m[1]} does not exist (it may have been claimed, cancelled or expired).`],
  [/^sender is not the owner of withdrawal request (\d+)$/, (m) => `Withdrawal request ${m[1]} belongs to another account.`],
  [/^withdrawal request (\d+) is cooling down until (\d+) \(now (\d+)\)$/, (m) =>
    `Withdrawal request ${m[1]} is still cooling down: it can be claimed from ${formatTime(m[2])}.`],
  [/^the claim window of withdrawal request (\d+) closed at (\d+)$/, (m) =>
    `The claim window of withdrawal request ${m[1]} closed at ${formatTime(m[2])}; expire it to get your shares back.`],
  [/^the claim window of withdrawal request (\d+) is open until (\d+)$/, (m) =>
    `Withdrawal request ${m[1]} has not lapsed: its claim window is open until ${formatTime(m[2])}.`],
  [/^cw20 token (\S+) is not a share token of this fund$/, (m) => `The token ${m[1]} is not one of this fund's share tokens.`],
  [/^amount must be greater than zero$/, () => "Enter an amount greater than zero."],
  [/^sender is not the perp engine$/, () => "Only the perp engine may do this."],
  [/^sender is neither the governor nor the guardian$/, () => "Only the fund's governor or guardian may do this."],
  [/^parameter (\S+) = (\S+) is outside its range (.+)$/, (m) => `The value ${m[2]} of ${m[1]} is outside its allowed range ${m[3]}.`],
  [/^reserve holds (\d+), less than (\d+)$/, (m) => `The reserve holds only ${m[1]} base units, less than ${m[2]}.`],
  // Governance.
  [/^cw20 token (\S+) is not the staking token$/, (m) => `The token ${m[1]} is not governance's staking token.`],
  [/^staked (\d+), less than (\d+)$/, (m) => `You have ${m[1]} staked, less than the ${m[2]} asked.`],
  [/^nothing to claim yet$/, () => "No unstaked tokens have finished unbonding yet."],
  [/^a proposal needs a deposit of (\d+), got (\d+)$/, (m) => `A proposal needs a deposit of exactly ${m[1]} staking tokens (${m[2]} sent).`],
  [/^nobody has staked: a proposal could never pass$/, () => "Nobody has staked governance tokens yet, so no proposal could pass."],
  [/^proposal (\d+) not found$/, (m) => `Proposal ${m[1]} does not exist.`],
  [/^proposal (\d+) is not open for votes$/, (m) => `Voting on proposal ${m[1]} is over.`],
  [/^sender had no voting power at height (\d+)$/, (m) =>
    `You had no staked voting power when this proposal was made (block ${m[1]}); stake before the next proposal to vote on it.`],
  [/^sender already voted on proposal (\d+)$/, (m) => `You have already voted on proposal ${m[1]}.`],
  [/^proposal (\d+) has not passed$/, (m) => `Proposal ${m[1]} has not passed, so it cannot be executed.`],
  [/^proposal (\d+) is already settled \((\w+)\)$/, (m) => `Proposal ${m[1]} is already settled (${m[2].toLowerCase()}).`],
  [/^proposal (\d+) is timelocked until (\d+)$/, (m) => `Proposal ${m[1]} is timelocked: it can be executed from ${formatTime(m[2])}.`],
  [/^sender is not the guardian$/, () => "Only the guardian may veto."],
  // cw20-base and the share token.
  [/^Cannot Sub with (\d+) and (\d+)$/, (m) => `Your balance of ${m[1]} is less than the ${m[2]} asked.`],
  [/^Overflow: Cannot Sub with given operands$/, () => "Your token balance is too low for this."],
  [/^Unauthorized$/, () => "This account is not allowed to do that."],
  // Chain and node.
  [/insufficient funds/i, () => "Your account does not have enough coins for this (amount or fee)."],
  [/out of gas/i, () => "The transaction ran out of gas; raise the gas limit in the configuration."],
  [/Account '(\S+)' does not exist on chain/, (m) => `The account ${m[1]} has no coins on this chain yet; fund it first.`],
  [/Request rejected/i, () => "The wallet refused to sign (request rejected)."],
  [/(?:Failed to fetch|fetch failed|NetworkError|Network Error|ECONNREFUSED|socket hang up|Load failed|Bad status on response: 5\d\d)/i, () =>
    "Cannot reach the chain: the RPC endpoint does not answer. Check that the node runs and the RPC address in the configuration."],
];

function pct(decimal: string): string {
  const v = Number(decimal) * 100;
  return `${Number.isFinite(v) ? +v.toFixed(2) : decimal}%`;
}

/** A sentence for a person from any error CosmJS, wasmd or a contract raised. */
export function readableError(err: unknown): string {
  const text = contractErrorText(err);
  for (const [re, say] of RULES) {
    const m = re.exec(text);
    if (m) return say(m);
  }
  if (!text) return "Unknown error.";
  return text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? "" : ".");
}
