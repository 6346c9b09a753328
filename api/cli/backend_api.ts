// The commands' backend over a running server's API (see backend.ts).
import type { TargetView } from "../core/mod.ts";
import type { EventLogPage } from "../event_log.ts";
import type { SummaryRow } from "../routes/mod.ts";
import { ApiClient, ApiRequestError } from "./api_client.ts";
import type { CliBackend, FiringAlert, RoundJson } from "./backend.ts";

function queryOf(values: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

export function apiBackend(client: ApiClient): CliBackend {
  const target = async (path: string, method = "GET") =>
    (await client.json<{ target: TargetView }>(method, path)).target;
  return {
    via: "server",
    where: client.baseUrl,
    listTargets: async () => (await client.get<{ targets: TargetView[] }>("/api/targets")).targets,
    getTarget: (id) => target(`/api/targets/${id}`),
    createTarget: async (input) =>
      (await client.json<{ target: TargetView }>("POST", "/api/targets", input)).target,
    setPaused: (id, paused) => target(`/api/targets/${id}/${paused ? "pause" : "resume"}`, "POST"),
    removeTarget: async (id) => {
      await client.json("DELETE", `/api/targets/${id}`);
    },
    logs: async (id, q) =>
      (await client.get<{ rounds: RoundJson[] }>(
        `/api/targets/${id}/logs${queryOf({ limit: q.limit, start: q.start, end: q.end })}`,
      )).rounds,
    events: (q) =>
      client.get<EventLogPage>(`/api/events${
        queryOf({
          targetId: q.targetId,
          kind: q.kinds?.join(","),
          start: q.start,
          end: q.end,
          limit: q.limit,
          cursor: q.cursor,
        })
      }`),
    summary: async (focus) =>
      (await client.get<{ targets: SummaryRow[] }>(`/api/summary?focus=${focus}`)).targets,
    firingAlerts: async () => {
      try {
        const body = await client.get<{ active: FiringAlert[] }>("/api/alerts/active");
        return body.active.map(({ ruleId, ruleName, targetId, since }) => ({
          ruleId,
          ruleName,
          targetId,
          since,
        }));
      } catch (error) {
        // 503: the server runs without its alert service; nothing can be firing.
        if (error instanceof ApiRequestError && error.status === 503) return [];
        throw error;
      }
    },
    exportStream: async (s) => {
      const query = queryOf({ format: s.format, start: s.start, end: s.end });
      const path = s.sessionId !== undefined
        ? `/api/sessions/${s.sessionId}/export${queryOf({ format: s.format })}`
        : `/api/targets/${s.targetId}/export${query}`;
      const response = await client.send("GET", path);
      return response.body ?? new ReadableStream({ start: (c) => c.close() });
    },
    close: () => Promise.resolve(),
  };
}
