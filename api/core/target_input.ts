// Turning API-shaped target input into engine input, with refusals as CoreErrors that name the
// API's field (interval, not intervalMs).
import { OptionsError, parseHost } from "../../engine/mod.ts";
import { configurationOptions } from "../schemas.ts";
import { invalid } from "./errors.ts";

const OPTION_FIELDS = Object.keys(configurationOptions.shape);

export function pickOptionFields(source: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    OPTION_FIELDS.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]),
  );
}

export function checkHost(text: string): string {
  try {
    return parseHost(text).host;
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    throw invalid("invalid_body", error.message, [{ field: "host", message: error.message }]);
  }
}

const API_FIELD: Record<string, string> = {
  intervalMs: "interval",
  packetSizeBytes: "packetSize",
  timeoutMs: "timeout",
  interPacketDelayMs: "interPacketDelay",
  flowId: "flow",
};

export function apiFieldName(field: string): string {
  return API_FIELD[field] ?? field;
}
