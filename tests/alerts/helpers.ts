// Builders for alert tests: rules with defaults filled in, events, temp dirs, a quiet logger.
import type { AlertRule, RuleSpecInput } from "../../alerts/rule.ts";
import { ruleSpecSchema } from "../../alerts/rule.ts";
import { makeEvent } from "../../alerts/event.ts";
import type { AlertEvent, AlertEventKind } from "../../alerts/types.ts";
import { setLogSink } from "../../engine/log.ts";
import { type FakeHop, straightRoute } from "../../engine/probers/fake.ts";

export const T0 = Date.UTC(2026, 0, 1);

/** A fake three-hop path, and the same path with every probe to the destination lost. */
export const DEST = "10.0.0.9";
export const HEALTHY = straightRoute(["10.0.0.1", "10.0.0.2", DEST]);
export const LOSSY: FakeHop[] = [
  { ip: "10.0.0.1", rttMs: 1 },
  { ip: "10.0.0.2", rttMs: 2 },
  { ip: DEST, rttMs: 3, lossPct: 100 },
];

export function rule(input: Partial<RuleSpecInput> = {}, id = 1): AlertRule {
  const spec = ruleSpecSchema.parse({
    name: "loss on the path",
    condition: { metric: "lossPct", op: ">=", threshold: 50 },
    ...input,
  });
  return { ...spec, id, createdAt: T0, updatedAt: T0 };
}

export function event(kind: AlertEventKind = "firing", overrides: Partial<AlertEvent> = {}) {
  const base = makeEvent(kind, rule(), { id: 1, host: "10.0.0.9", label: "lab target" }, {
    agent: "local",
    nameAgent: false,
  }, {
    value: 60,
    hop: 3,
    hopIp: "10.0.0.9",
    at: T0 + 60_000,
    firedAt: T0 + 60_000,
  });
  return { ...base, id: 7, ...overrides };
}

const dirs: string[] = [];
globalThis.addEventListener("unload", () => {
  for (const dir of dirs) {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch {
      // Already gone.
    }
  }
});

export function tempDir(prefix = "pingwatcher-alerts-"): string {
  const dir = Deno.makeTempDirSync({ prefix });
  dirs.push(dir);
  return dir;
}

/** Collects log lines instead of printing them (returns them for assertions). */
export function captureLog(): string[] {
  const lines: string[] = [];
  setLogSink((line) => lines.push(line));
  return lines;
}
