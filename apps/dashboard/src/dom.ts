import { readableError } from "@tranche-perps/client";
// A few DOM helpers: elements from tagged templates with escaping, and figure spans that carry
// their raw value (data-field / data-raw) for the browser tests.

export function esc(v: unknown): string {
  return String(v).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** A figure: shown text, raw value in data-raw, name in data-field. */
export function fig(field: string, raw: string | number | null | undefined, shown: string): string {
  return `<span class="fig" data-field="${esc(field)}" data-raw="${esc(raw ?? "")}">${esc(shown)}</span>`;
}

export function $(sel: string, root: ParentNode = document): HTMLElement {
  const el = root.querySelector(sel);
  if (!el) throw new Error(`no element ${sel}`);
  return el as HTMLElement;
}

export function banner(message: string | null, kind: "error" | "info" = "error"): void {
  const el = $("#banner");
  el.hidden = !message;
  el.className = kind;
  el.textContent = message ?? "";
}

/** Runs an action of a button: disables it, shows progress, then the result or a readable error. */
export async function act(button: HTMLButtonElement, status: HTMLElement, work: () => Promise<string>): Promise<void> {
  button.disabled = true;
  status.className = "status pending";
  status.textContent = "Waiting for the transaction…";
  try {
    status.textContent = await work();
    status.className = "status ok";
  } catch (err) {
    status.textContent = readableError(err);
    status.className = "status error";
  } finally {
    button.disabled = false;
  }
}
