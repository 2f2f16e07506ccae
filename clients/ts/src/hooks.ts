// cw20 `Send` hooks the fund and governance accept. They travel base64-encoded inside the
// token's `send { contract, amount, msg }`; the schemas carry them only as `Binary`.
import { toBase64, toUtf8 } from "@cosmjs/encoding";
import type { Action } from "./generated/Governance.types";

/** Hook of a share token sent to the fund: `{"request_withdrawal":{}}` starts a withdrawal. */
export type FundReceiveMsg = { request_withdrawal: Record<string, never> };

/** Hooks of the staking token sent to governance. */
export type GovernanceReceiveMsg =
  | { stake: Record<string, never> }
  | { propose: { title: string; description: string; actions: Action[] } };

/** JSON-encodes and base64-encodes a hook for cw20 `Send`. */
export function encodeHook(hook: FundReceiveMsg | GovernanceReceiveMsg): string {
  return toBase64(toUtf8(JSON.stringify(hook)));
}

/** The hook of a withdrawal request: send share tokens to the fund with it. */
export const requestWithdrawalHook = (): string => encodeHook({ request_withdrawal: {} });

/** The hook that stakes governance tokens: send them to governance with it. */
export const stakeHook = (): string => encodeHook({ stake: {} });
