/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Browser entry: wire models to the live connection, then render.
import { effect } from "@preact/signals";
import { render } from "preact";
import { initAgents, noteAgents } from "./model/agents.ts";
import { initAlerts } from "./model/alerts.ts";
import { initInterfaces } from "./model/interfaces.ts";
import { initComments } from "./model/comments.ts";
import { initOutages } from "./model/outages.ts";
import { initDashboard, refreshResults, refreshSuccess } from "./model/dashboard.ts";
import { authRequired } from "./model/api.ts";
import { checkAuth } from "./model/auth.ts";
import {
  initHistory,
  insights,
  refreshConfigurations,
  refreshInsights,
  refreshRouteChanges,
} from "./model/history.ts";
import { connect, disconnect, onLive, onReconnect, subscribe } from "./model/live.ts";
import { initSummary, refreshSummarySoon, rowIds, rowSignals } from "./model/summary.ts";
import { initNavigation, loadTargets, selectedId, targets, view } from "./model/targets.ts";
import { compareIds, initCompare } from "./model/compare.ts";
import { initTraceroute } from "./model/traceroute.ts";
import { throttle } from "./model/throttle.ts";
import { initTimeline, range, refreshTimeline } from "./model/timeline.ts";
import { initTrace, refreshHops } from "./model/trace.ts";
import { App } from "./views/app.tsx";

function wire(): void {
  initNavigation();
  initTrace();
  initTimeline();
  initComments();
  initOutages();
  initSummary();
  initHistory();
  initDashboard();
  initCompare();
  initTraceroute();
  initAlerts();
  initInterfaces();
  // Another agent chosen on the target page: its measurements, read again now.
  initAgents(() => {
    refreshHops();
    refreshTimeline();
    refreshInsights();
    refreshRouteChanges();
    refreshSuccess();
    refreshResults();
  }, refreshSummarySoon);
  // A summary row of an agent the agent list does not know yet: read the list again.
  effect(() => {
    rowIds.value;
    noteAgents([...rowSignals.values()].map((row) => row.peek().agent));
  });
  // Rounds of the open target are pushed; the summary rows of every target too.
  effect(() => {
    const ids = new Set<number>();
    if (selectedId.value !== null) ids.add(selectedId.value);
    // The compared targets' rounds too, while their chart is open.
    if (view.value === "compare") { for (const id of compareIds.value) ids.add(id); }
    subscribe([...ids], true);
  });
  // Targets came or went: the summary's membership changed.
  effect(() => {
    targets.value;
    refreshSummarySoon();
  });
  // Targets added or removed elsewhere (another browser, the API, a restart) show up here too.
  const targetsSoon = throttle(loadTargets, 1000);
  onReconnect(targetsSoon);
  onLive((event) => {
    if (event.kind !== "summary") return;
    const known = new Set(targets.peek().map((t) => t.id));
    if (event.data.targets.some((row) => !known.has(row.id))) targetsSoon();
  });
  const insightsSoon = throttle(() => {
    refreshInsights();
  }, 5000);
  effect(() => {
    range.value;
    selectedId.value;
    insightsSoon();
  });
  // Figures that were empty (a new target) fill in as its first rounds arrive; after that they
  // follow range changes (a live preset moves every few seconds).
  onLive((event) => {
    if (event.kind !== "round" || event.targetId !== selectedId.peek()) return;
    if ((insights.peek()?.received ?? 0) === 0) insightsSoon();
  });
}

function goLive(): void {
  loadTargets();
  refreshConfigurations();
  refreshSummarySoon();
  connect();
}

effect(() => {
  if (authRequired.value) disconnect();
});

render(<App onLoggedIn={goLive} />, document.getElementById("app")!);
wire();
checkAuth().then((open) => {
  if (open) goLive();
});
