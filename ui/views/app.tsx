// The page: header (views, connection state, theme), target bar, and the open view. This is the
// only view that reads models; everything below gets data by props.
import { activeByTarget, alertsPageProps } from "../model/alerts.ts";
import { authRequired } from "../model/api.ts";
import { login, loginError, logout, passwordSet } from "../model/auth.ts";
import * as ag from "../model/agents.ts";
import * as cmp from "../model/compare.ts";
import * as dash from "../model/dashboard.ts";
import * as trc from "../model/traceroute.ts";
import * as gs from "../model/graph_settings.ts";
import * as history from "../model/history.ts";
import { connect, connection, retryInS } from "../model/live.ts";
import * as cm from "../model/comments.ts";
import { outages } from "../model/outages.ts";
import { recentHosts, setThresholds, theme, thresholds, toggleTheme } from "../model/settings.ts";
import * as summary from "../model/summary.ts";
import * as tg from "../model/targets.ts";
import * as tl from "../model/timeline.ts";
import * as trace from "../model/trace.ts";
import { interfacesPageProps, overlayProps } from "../model/interfaces.ts";
import { InterfacesPage } from "./interfaces.tsx";
import { ThroughputOverlay } from "./throughput_overlay.tsx";
import { AlertsPage } from "./alerts.tsx";
import { AgentPicker } from "./agent_picker.tsx";
import { Compare } from "./compare.tsx";
import { Dashboard } from "./dashboard.tsx";
import { Traceroute } from "./traceroute.tsx";
import { Insights } from "./insights.tsx";
import { Login } from "./login.tsx";
import { RouteChanges } from "./route_changes.tsx";
import { Sessions } from "./sessions.tsx";
import { Settings } from "./settings.tsx";
import { Summary } from "./summary.tsx";
import { Timeline } from "./timeline.tsx";
import { TargetBar } from "./target_bar.tsx";
import { TraceGraph } from "./trace_graph.tsx";
import { Welcome } from "./welcome.tsx";
import { saveImage } from "./save_image.ts";
import { SNAPSHOT_WIDTH, snapshotHeight, traceGraphSvg } from "../model/snapshot.ts";
import { formatTime, niceCeil } from "../model/format.ts";
import { useState } from "preact/hooks";

function ConnectionBadge() {
  const state = connection.value;
  const text = state === "live"
    ? "Live"
    : state === "connecting"
    ? "Connecting…"
    : `Offline — retrying in ${retryInS.value} s`;
  return (
    <span class={`conn conn-${state}`} role="status" aria-live="polite" data-testid="connection">
      <span class="dot" aria-hidden="true" />
      {text}
      {state === "offline" && (
        <button type="button" class="link" onClick={connect}>retry now</button>
      )}
    </span>
  );
}

function Nav() {
  return (
    <nav aria-label="Views">
      {tg.VIEWS.map((v) => (
        <button
          key={v.id}
          type="button"
          class={tg.view.value === v.id ? "tab active" : "tab"}
          aria-current={tg.view.value === v.id ? "page" : undefined}
          disabled={v.needsTarget && !tg.targets.value.length}
          onClick={() => tg.open(v.id)}
        >
          {v.label}
        </button>
      ))}
    </nav>
  );
}

function noAnswersText(t: tg.TargetLike): string {
  if (t.replay) return "This replay holds no rounds in the focus.";
  if (t.paused) return `No answers yet: ${t.host} is paused. Resume it to start tracing.`;
  if (t.status.lastError) return `No answers yet from ${t.host}: ${t.status.lastError}`;
  return `No answers yet from ${t.host}: the first round is on its way (every ${t.interval} s).`;
}

function SaveImageButton(props: { onSave: () => Promise<void> }) {
  const [state, setState] = useState<string | null>(null);
  return (
    <span class="save-image">
      <button
        type="button"
        data-testid="save-image"
        disabled={state === "saving"}
        onClick={() => {
          setState("saving");
          props.onSave().then(() => setState(null), (e) => setState(String(e?.message ?? e)));
        }}
      >
        Save image
      </button>
      {state && state !== "saving" && <span class="error" role="alert">{state}</span>}
    </span>
  );
}

/** The trace graph as it is now, with the timeline charts below it, saved as a PNG. */
function saveTraceImage(t: tg.TargetLike): Promise<void> {
  const scale = gs.graphScale.value;
  const hops = trace.hops.value;
  const f = trace.focus.value;
  const focusText = f.kind === "last"
    ? `last ${f.n} samples`
    : f.kind === "all"
    ? "all samples"
    : `${new Date(f.start).toLocaleString()} – ${new Date(f.end).toLocaleString()}`;
  const svg = traceGraphSvg({
    title: `Trace to ${t.label ?? t.host}`,
    subtitle: `${focusText} · saved ${new Date().toLocaleString()}`,
    hops,
    scaleMs: scale.kind === "fixed" ? scale.ms : niceCeil(Math.max(trace.scaleMaxMs.value, 1)),
    thresholds: thresholds.value,
    theme: theme.value,
  });
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
  return saveImage({
    svg,
    width: SNAPSHOT_WIDTH,
    height: snapshotHeight(hops.length),
    background: theme.value === "dark" ? "#161b22" : "#ffffff",
    timeline: document.querySelector(".timeline-panel"),
    caption: `Timeline ${formatTime(tl.range.value.start)} – ${
      tl.range.value.preset ? "now" : formatTime(tl.range.value.end)
    }`,
    textColor: theme.value === "dark" ? "#e6edf3" : "#1f2328",
    filename: `pingwatcher-${t.host}-${stamp}.png`,
  });
}

function TraceView() {
  const t = tg.selected.value;
  return (
    <div class="trace-layout">
      <section class="panel trace-panel" aria-label="Trace graph">
        <div class="panel-head">
          <h2>{t ? `Trace to ${t.label ?? t.host}` : "Trace graph"}</h2>
          {ag.multiAgent.value && (
            <AgentPicker
              agents={ag.agentList.value}
              self={ag.selfAgent.value}
              selected={ag.selectedAgent.value}
              onSelect={ag.selectAgent}
            />
          )}
          {t && <SaveImageButton onSave={() => saveTraceImage(t)} />}
        </div>
        <TraceGraph
          hops={trace.hops.value}
          scaleMaxMs={trace.scaleMaxMs.value}
          thresholds={thresholds.value}
          focus={trace.focus.value}
          focusChoices={trace.FOCUS_CHOICES}
          error={trace.hopsError.value}
          alerts={t ? activeByTarget.value.get(t.id) : undefined}
          scale={gs.graphScale.value}
          onScale={gs.setGraphScale}
          graphWidthPx={gs.graphWidthPx.value}
          onGraphWidth={gs.setGraphWidth}
          onFocus={trace.setFocus}
          timelineRange={tl.range.value}
          emptyText={t && trace.focus.value.kind !== "range" ? noAnswersText(t) : undefined}
          onHopTimeline={(hop) => {
            if (!tl.shownHops.value.includes(hop)) tl.toggleHop(hop);
          }}
        />
      </section>
      {t && !t.replay && (
        <Traceroute
          targetHost={t.host}
          result={trc.traceResult.value}
          running={trc.traceRunning.value}
          error={trc.traceError.value}
          roundChoices={trc.ROUND_CHOICES}
          onRun={trc.runTraceroute}
        />
      )}
      <Insights
        insights={history.insights.value}
        error={null}
        onRefresh={history.refreshInsights}
      />
      <section class="panel timeline-panel" aria-label="Timeline">
        <h2>Timeline</h2>
        <Timeline
          theme={theme.value}
          range={tl.range.value}
          presets={tl.PRESETS}
          shownHops={tl.shownHops.value}
          hopChoices={Array.from({ length: trace.maxHopSeen.value }, (_, i) => i + 1)}
          series={tl.series.value}
          routeChanges={history.routeChanges.value}
          addressChanges={history.addressChanges.value}
          comments={cm.comments.value}
          outages={outages.value}
          focusRange={trace.focus.value.kind === "range" ? trace.focus.value : null}
          error={tl.timelineError.value ?? cm.commentsError.value}
          onPreset={tl.setPreset}
          onRange={tl.zoomTo}
          onPan={tl.pan}
          onZoom={tl.zoom}
          onToggleHop={tl.toggleHop}
          onPickTime={(at) => trace.focusAt(at)}
          onFocusRange={(start, end) => trace.setFocus({ kind: "range", start, end })}
          onComment={cm.addComment}
          onRemoveComment={cm.removeComment}
        />
        <ThroughputOverlay {...overlayProps(tl.series.value.last ?? [])} />
      </section>
      {ag.multiAgent.value && (
        <section class="panel agents-panel" aria-label="Every agent" data-testid="agents-overlay">
          <h2>Final hop from every agent</h2>
          <Compare
            theme={theme.value}
            range={tl.range.value}
            presets={tl.PRESETS}
            targets={ag.overlayAgents.value}
            series={ag.overlaySeries.value}
            error={ag.overlayError.value}
            legendLabel="Agents"
            rangeControls={false}
            onPreset={tl.setPreset}
            onRange={tl.zoomTo}
            onPan={tl.pan}
            onZoom={tl.zoom}
          />
        </section>
      )}
      <Dashboard
        theme={theme.value}
        range={dash.successRange.value}
        success={dash.success.value}
        histogram={history.insights.value?.histogram ?? null}
        results={dash.results.value}
        page={dash.resultPages.value.length}
        hasOlder={dash.resultsHasOlder.value}
        allHops={dash.resultsAllHops.value}
        error={dash.successError.value ?? dash.resultsError.value}
        onOlder={dash.olderResults}
        onNewer={dash.newerResults}
        onAllHops={dash.setResultsAllHops}
      />
    </div>
  );
}

function focusHost(): void {
  (document.querySelector("input[name=host]") as HTMLInputElement | null)?.focus();
}

function Main() {
  const v = tg.view.value;
  const t = tg.selected.value;
  // First run (an empty database): explain what to type instead of empty tables.
  if (tg.targetsLoaded.value && !tg.targets.value.length && (v === "summary" || v === "trace")) {
    return <Welcome onFocusHost={focusHost} />;
  }
  if (!t && tg.VIEWS.find((entry) => entry.id === v)?.needsTarget) {
    return <p class="empty">Add a target above to see its {v === "trace" ? "trace graph" : v}.</p>;
  }
  switch (v) {
    case "summary":
      return (
        <section class="panel" aria-label="Summary">
          <h2>All targets</h2>
          <Summary
            ids={summary.sortedIds.value}
            rows={summary.rowSignals}
            showAgent={summary.agentColumn.value}
            sortKey={summary.sortKey.value}
            descending={summary.sortDescending.value}
            thresholds={thresholds.value}
            error={summary.summaryError.value}
            onSort={summary.sortBy}
            alerts={activeByTarget.value}
            onOpen={(id, agent) => {
              tg.open("trace", id);
              if (summary.agentColumn.peek()) ag.selectAgent(agent);
            }}
            compared={cmp.compareIds.value}
            onCompareToggle={cmp.toggleCompare}
            onCompare={() => tg.open("compare")}
          />
        </section>
      );
    case "trace":
      return <TraceView />;
    case "compare":
      return (
        <section class="panel" aria-label="Compare targets">
          <h2>Final hop of several targets</h2>
          <Compare
            theme={theme.value}
            range={tl.range.value}
            presets={tl.PRESETS}
            targets={cmp.comparedTargets.value}
            series={cmp.compareSeries.value}
            error={cmp.compareError.value}
            onPreset={tl.setPreset}
            onRange={tl.zoomTo}
            onPan={tl.pan}
            onZoom={tl.zoom}
            onRemove={cmp.toggleCompare}
          />
        </section>
      );
    case "routes":
      return (
        <section class="panel" aria-label="Route changes">
          <h2>Route changes — {t!.host}</h2>
          <RouteChanges
            changes={history.routeChanges.value}
            addressChanges={history.addressChanges.value}
            error={history.routesError.value}
            onShow={(at) => {
              tg.open("trace");
              trace.focusAt(at);
            }}
          />
        </section>
      );
    case "sessions":
      return (
        <section class="panel" aria-label="Sessions">
          <h2>Sessions — {t!.host}</h2>
          <Sessions
            sessions={history.sessions.value}
            rangeStart={tl.range.value.start}
            rangeEnd={tl.range.value.end}
            error={history.sessionsError.value}
            notice={history.historyNotice.value}
            exportUrl={(f, s, e) => history.exportUrl(t!.id, f, s, e)}
            sessionExportUrl={history.sessionExportUrl}
            onCreate={history.createSession}
            onRename={history.renameSession}
            onDelete={history.deleteSession}
            onReplay={history.replaySession}
            onImport={history.importExport}
          />
        </section>
      );
    case "settings":
      return (
        <section class="panel" aria-label="Settings">
          <h2>Settings</h2>
          <Settings
            theme={theme.value}
            thresholds={thresholds.value}
            configurations={history.configurations.value}
            error={history.settingsError.value}
            onTheme={toggleTheme}
            onThresholds={setThresholds}
            onSaveConfiguration={history.saveConfiguration}
            onDeleteConfiguration={history.deleteConfiguration}
            target={tg.selected.value}
            onApplyConfiguration={history.applyConfiguration}
          />
        </section>
      );
    case "alerts":
      return <AlertsPage {...alertsPageProps()} />;
    case "interfaces":
      return <InterfacesPage {...interfacesPageProps()} />;
  }
}

export function App(props: { onLoggedIn: () => void }) {
  if (authRequired.value) {
    return <Login error={loginError.value} onLogin={(p) => login(p, props.onLoggedIn)} />;
  }
  return (
    <div class="app">
      <header class="top">
        <span class="brand">PingWatcher</span>
        <Nav />
        <ConnectionBadge />
        <button
          type="button"
          class="theme-toggle"
          onClick={toggleTheme}
          aria-label={`Switch to ${theme.value === "dark" ? "light" : "dark"} theme`}
          data-testid="theme-toggle"
        >
          {theme.value === "dark" ? "☀" : "☾"}
        </button>
        {passwordSet.value && <button type="button" onClick={logout}>Log out</button>}
      </header>
      <TargetBar
        targets={tg.targets.value}
        selected={tg.selected.value}
        configurations={history.configurations.value}
        recentHosts={recentHosts.value}
        error={tg.targetError.value}
        busy={tg.busy.value}
        onAdd={tg.addTarget}
        onSelect={(id) => tg.open(tg.view.value === "summary" ? "trace" : tg.view.value, id)}
        onPause={tg.pauseTarget}
        onResume={tg.resumeTarget}
        onStop={tg.stopTarget}
      />
      <main id="main">
        <Main />
      </main>
    </div>
  );
}
