// Summary of a V8 .cpuprofile (the inspector's Profiler.stop result): self time by function, by
// file, and by category, where runtime and native frames (timers, promises, node:sqlite, JSON) are
// charged to the nearest project frame that called them.
//
//   deno run -A tests/bench/profile_summary.ts FILE.cpuprofile [--top 15]
import { parseArgs } from "node:util";

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface Row {
  name: string;
  us: number;
}

export interface ProfileSummary {
  totalUs: number;
  byFunction: Row[];
  byFile: Row[];
  byCategory: Row[];
}

const SPECIAL = new Set(["(idle)", "(program)", "(garbage collector)", "(root)"]);

/** A project file's path from the repository root, or null for runtime/dependency frames. */
function projectPath(url: string): string | null {
  const match = url.match(/^file:\/\/.*?\/((?:engine|store|api|alerts|ui)\/.*|main\.ts)$/);
  return match ? match[1] : null;
}

const CATEGORIES: [string, RegExp][] = [
  ["prober I/O + parsing", /^engine\/probers\//],
  ["stats/route/DNS", /^engine\/(stats|route|dns|asn|unreachable|flow)\.ts$/],
  ["engine scheduling", /^engine\//],
  ["store", /^store\//],
  ["alerts", /^alerts\//],
  ["API/publication", /^(api\/|main\.ts)/],
];

function category(path: string | null, special: string | null): string {
  if (special === "(garbage collector)") return "GC";
  if (special === "(idle)") return "idle";
  if (special === "(program)") return "(program): native, unattributed";
  if (path === null) return "runtime, no project caller";
  for (const [name, pattern] of CATEGORIES) if (pattern.test(path)) return name;
  return "other project";
}

function add(map: Map<string, number>, key: string, us: number): void {
  map.set(key, (map.get(key) ?? 0) + us);
}

function rows(map: Map<string, number>): Row[] {
  return [...map].map(([name, us]) => ({ name, us })).sort((a, b) => b.us - a.us);
}

function frameName(node: CpuProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = projectPath(url) ?? url.replace(/^.*\/node_modules\/\.deno\//, "npm:");
  return `${functionName || "(anonymous)"} ${file ? `${file}:${lineNumber + 1}` : ""}`.trim();
}

/** Self time per node from samples + timeDeltas (hitCount x interval when absent). */
function selfTimes(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  const { samples, timeDeltas } = profile;
  if (samples && timeDeltas) {
    // Each delta is the time before its sample; charge it to the sample's node.
    for (let i = 0; i < samples.length; i++) {
      const next = timeDeltas[i + 1] ?? 0;
      self.set(samples[i], (self.get(samples[i]) ?? 0) + Math.max(0, next));
    }
    return self;
  }
  const hits = profile.nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0);
  const each = hits ? (profile.endTime - profile.startTime) / hits : 0;
  for (const node of profile.nodes) self.set(node.id, (node.hitCount ?? 0) * each);
  return self;
}

export function summarise(profile: CpuProfile): ProfileSummary {
  const parent = new Map<number, number>();
  const byId = new Map<number, CpuProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const nearestProject = (id: number): string | null => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const path = projectPath(byId.get(at)!.callFrame.url);
      if (path) return path;
    }
    return null;
  };
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  const byCategory = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of selfTimes(profile)) {
    if (us === 0) continue;
    const node = byId.get(id)!;
    const name = node.callFrame.functionName;
    const special = SPECIAL.has(name) ? name : null;
    totalUs += us;
    add(byFunction, frameName(node), us);
    add(
      byFile,
      projectPath(node.callFrame.url) ?? (special ?? (node.callFrame.url || "(native)")),
      us,
    );
    add(byCategory, category(special ? null : nearestProject(id), special), us);
  }
  return {
    totalUs,
    byFunction: rows(byFunction),
    byFile: rows(byFile),
    byCategory: rows(byCategory),
  };
}

export function formatSummary(summary: ProfileSummary, top = 15): string {
  const busy = summary.totalUs - (summary.byCategory.find((r) => r.name === "idle")?.us ?? 0);
  const line = (r: Row) =>
    `  ${(r.us / 1000).toFixed(0).padStart(7)} ms ${
      (r.us / busy * 100).toFixed(1).padStart(5)
    } %  ${r.name}`;
  const notIdle = (r: Row) => r.name !== "(idle)" && r.name !== "idle";
  return [
    `sampled ${(summary.totalUs / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(2)} s ` +
    `(shares below are of busy time)`,
    `by category (runtime frames charged to the nearest project caller):`,
    ...summary.byCategory.filter(notIdle).map(line),
    `top ${top} functions by self time:`,
    ...summary.byFunction.filter(notIdle).slice(0, top).map(line),
    `top ${top} files by self time:`,
    ...summary.byFile.filter(notIdle).slice(0, top).map(line),
  ].join("\n");
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: { top: { type: "string", default: "15" } },
  });
  for (const path of positionals) {
    const profile = JSON.parse(Deno.readTextFileSync(path)) as CpuProfile;
    console.log(`${path}\n${formatSummary(summarise(profile), Number(values.top))}`);
  }
}
