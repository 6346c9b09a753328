// The first-run page: an empty database shows what to type, what happens next and what the
// trace graph's columns mean. Nothing is probed until the user adds a target.
export function Welcome(props: { onFocusHost: () => void }) {
  return (
    <section class="panel welcome" aria-label="Welcome" data-testid="welcome">
      <h2>Welcome to PingWatcher</h2>
      <p>
        PingWatcher traces the route to each target over and over and keeps every hop's answers, so
        you can see where latency and loss start and when. <strong>Nothing is probed yet</strong>
        {" "}
        — it starts when you add a target.
      </p>
      <h3>Add your first target</h3>
      <ol>
        <li>
          In <button type="button" class="link" onClick={props.onFocusHost}>Host or IP</button>{" "}
          above, type a name or address you want to watch: your gateway, a server you run, the far
          end of a VPN (for example <code>192.0.2.10</code> or <code>vpn.example.net</code>).
        </li>
        <li>
          Pick how often to trace it (<em>Interval</em>; 2.5 s is a good start) and the{" "}
          <em>Protocol</em>: ICMP like ping, or UDP/TCP when a firewall drops ICMP.
        </li>
        <li>
          Press <strong>Start</strong>. The trace graph opens and fills in within a few rounds.
        </li>
      </ol>
      <h3>Reading the trace graph</h3>
      <dl class="columns-help">
        <dt>Hop</dt>
        <dd>Each router on the way, 1 nearest you; the last row is the target itself.</dd>
        <dt>Loss %</dt>
        <dd>
          Share of probes to that hop that got no answer. Loss at one router that later hops do not
          show is usually the router rate-limiting its replies, not real loss.
        </dd>
        <dt>IP / DNS name</dt>
        <dd>Who answered at that hop (several addresses: load-balanced paths).</dd>
        <dt>Avg / Min / Cur</dt>
        <dd>Round-trip time in ms over the focus (last 10 samples by default); ERR = lost.</dd>
        <dt>Jitter / MOS</dt>
        <dd>
          How much the RTT varies between samples, and the estimated call quality (1 bad – 4.5
          excellent).
        </dd>
        <dt>Graph</dt>
        <dd>
          Per hop the min–max line, the average mark and the current mark on one scale, over bands
          that turn amber and red at your latency thresholds (Settings); the red bar is loss.
        </dd>
      </dl>
      <p class="muted">
        The Summary lists every target; the Timeline below the trace graph shows history, and the
        Alerts page can mail or call a webhook when something goes wrong.
      </p>
    </section>
  );
}
