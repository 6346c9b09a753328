// ace-connection-logger's per-check figures (success rate, min/avg/max of the answers) over a
// window of stored history, in the shape `check --json` reports them for the rounds it ran.
import type { Insights } from "../store/mod.ts";

export interface CheckFiguresJson {
  /** Probes sent to the final hop and answers from it. */
  rounds: number;
  answered: number;
  successRatePct: number | null;
  lossPct: number | null;
  minMs: number | null;
  avgMs: number | null;
  maxMs: number | null;
}

const ms = (us: number | null) => us === null ? null : Math.round(us) / 1000;
const pct = (value: number) => Math.round(value * 100) / 100;

export function checkFiguresOf(insights: Insights): CheckFiguresJson {
  const { sent, received } = insights;
  return {
    rounds: sent,
    answered: received,
    successRatePct: sent > 0 ? pct((received / sent) * 100) : null,
    lossPct: sent > 0 ? pct(((sent - received) / sent) * 100) : null,
    minMs: ms(insights.minUs),
    avgMs: insights.avgUs === null ? null : pct(insights.avgUs / 1000),
    maxMs: ms(insights.maxUs),
  };
}
