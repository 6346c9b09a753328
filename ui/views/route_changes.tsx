// Route changes log: when the path changed, and the hops before and after; and when a hostname
// target's address changed (dynamic DNS), which also starts a new path.
import type { AddressChangeEntry } from "../../api/wire.ts";
import { formatTime } from "../model/format.ts";
import type { RouteChangeEntry } from "../model/types.ts";

function PathList(props: { path: string[][]; other: string[][] }) {
  return (
    <ol class="path">
      {props.path.map((ips, i) => {
        const changed = (props.other[i] ?? []).join() !== ips.join();
        return (
          <li key={i} class={changed ? "changed" : ""}>
            {ips.length ? ips.join(" | ") : "*"}
          </li>
        );
      })}
    </ol>
  );
}

function AddressChanges(
  props: { changes: AddressChangeEntry[]; onShow: (at: number) => void },
) {
  if (!props.changes.length) return null;
  return (
    <section class="address-changes" aria-label="Address changes">
      <h3>Address changes (dynamic DNS)</h3>
      <ul class="route-list">
        {props.changes.map((c) => (
          <li key={`${c.at}-${c.after}`} class="route-change" data-testid="address-change">
            <div class="route-head">
              <strong>{formatTime(c.at)}</strong>
              <span>
                {c.host}: <span class="ip">{c.before ?? "?"}</span> →{" "}
                <span class="ip">{c.after}</span>
              </span>
              <button
                type="button"
                class="link"
                onClick={() =>
                  props.onShow(c.at)}
              >
                show in trace graph
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function RouteChanges(
  props: {
    changes: RouteChangeEntry[];
    addressChanges?: AddressChangeEntry[];
    error: string | null;
    onShow: (at: number) => void;
  },
) {
  return (
    <div class="route-changes">
      {props.error && <p class="error" role="alert">{props.error}</p>}
      <AddressChanges changes={props.addressChanges ?? []} onShow={props.onShow} />
      {props.changes.length === 0 && (
        <p class="empty">
          No route changes recorded for this target.
        </p>
      )}
      <ul class="route-list" aria-label="Route changes">
        {props.changes.map((c) => (
          <li key={c.id} class="route-change" data-testid="route-change">
            <div class="route-head">
              <strong>{formatTime(c.at)}</strong>
              <button type="button" class="link" onClick={() => props.onShow(c.at)}>
                show in trace graph
              </button>
            </div>
            <div class="route-paths">
              <div>
                <h4>Before</h4>
                <PathList path={c.before} other={c.after} />
              </div>
              <div>
                <h4>After</h4>
                <PathList path={c.after} other={c.before} />
              </div>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
