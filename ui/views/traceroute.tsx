// On-demand traceroute: run one now (of this target with its settings, or of another host) and
// read the hops it found, beside the continuous trace graph. Data by props.
import { useState } from "preact/hooks";
import { formatCurrent, formatMs, formatPct, formatTime } from "../model/format.ts";
import type { TracerouteShown } from "../model/traceroute.ts";

export interface TracerouteProps {
  targetHost: string;
  result: TracerouteShown | null;
  running: boolean;
  error: string | null;
  roundChoices: readonly number[];
  onRun: (host: string, rounds: number) => void;
}

export function Traceroute(props: TracerouteProps) {
  const [host, setHost] = useState("");
  const [rounds, setRounds] = useState(3);
  const r = props.result;
  return (
    <details class="panel traceroute" data-testid="traceroute">
      <summary>
        <strong>Traceroute now</strong>
        <span class="muted">— a one-shot trace, nothing stored</span>
      </summary>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          props.onRun(host, rounds);
        }}
      >
        <label class="inline">
          Host
          <input
            name="trace-host"
            value={host}
            placeholder={`${props.targetHost} (this target)`}
            onInput={(e) => setHost((e.target as HTMLInputElement).value)}
          />
        </label>
        <label class="inline">
          Rounds
          <select
            name="trace-rounds"
            value={String(rounds)}
            onChange={(e) => setRounds(Number((e.target as HTMLSelectElement).value))}
          >
            {props.roundChoices.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </label>
        <button type="submit" class="primary" disabled={props.running}>
          {props.running ? "Tracing…" : "Run"}
        </button>
      </form>
      {props.error && <p class="error" role="alert">{props.error}</p>}
      {r && (
        <>
          <p class="muted" data-testid="traceroute-head">
            {r.host} ({r.address}) · {r.protocol.toUpperCase()} via {r.prober} · {r.rounds}{" "}
            round{r.rounds === 1 ? "" : "s"} · {formatTime(r.at)}
          </p>
          <div class="table-scroll">
            <table class="results" aria-label="Traceroute result">
              <thead>
                <tr>
                  <th scope="col" class="num">Hop</th>
                  <th scope="col">IP</th>
                  <th scope="col" class="num">Loss %</th>
                  <th scope="col" class="num">Avg</th>
                  <th scope="col" class="num">Min</th>
                  <th scope="col" class="num">Max</th>
                  <th scope="col" class="num">Last</th>
                </tr>
              </thead>
              <tbody>
                {r.hops.map((h) => (
                  <tr key={h.hop} data-testid="traceroute-hop">
                    <td class="num">{h.hop}</td>
                    <td class="ip">{h.ip ?? "*"}</td>
                    <td class="num">{formatPct(h.lossPct)}</td>
                    <td class="num">{formatMs(h.avgMs)}</td>
                    <td class="num">{formatMs(h.minMs)}</td>
                    <td class="num">{formatMs(h.maxMs)}</td>
                    <td class={h.curMs === null && h.sent ? "num err" : "num"}>
                      {formatCurrent(h.curMs, h.sent)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </details>
  );
}
