// Which agent (vantage point) the target page reads: null = the server's default (its own
// measurements, else the agent seen most recently). Apart from agents.ts so the trace and
// timeline models can read it without importing what imports them.
import { signal } from "@preact/signals";

export const selectedAgent = signal<string | null>(null);

/** The `agent` query parameter of the per-target reads (undefined: the default). */
export function agentParam(): string | undefined {
  return selectedAgent.peek() ?? undefined;
}
