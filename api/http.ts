// Reading requests at the edge: bounded bodies, JSON only, query strings through zod.
import type { z } from "zod";
import { ApiError, validationError } from "./errors.ts";

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** Reads at most `limitBytes` of the body; a larger body is a 413 without reading the rest. */
export async function readBodyText(req: Request, limitBytes: number): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > limitBytes) throw tooLarge(limitBytes);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limitBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(limitBytes);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(400, "bad_body", "the request body could not be read");
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError(400, "bad_body", "the request body is not valid UTF-8");
  }
}

function tooLarge(limitBytes: number): ApiError {
  return new ApiError(
    413,
    "body_too_large",
    `the request body is larger than ${limitBytes} bytes`,
  );
}

/** Parses a JSON body (Content-Type application/json required) and validates it. */
export async function readJson<T extends z.ZodType>(
  req: Request,
  schema: T,
  limitBytes = DEFAULT_BODY_LIMIT_BYTES,
): Promise<z.infer<T>> {
  const type = req.headers.get("content-type") ?? "";
  const media = type.split(";")[0].trim().toLowerCase();
  const text = await readBodyText(req, limitBytes);
  if (text.trim() === "" && media === "") return parseValue(schema, {});
  if (media !== "application/json") {
    throw new ApiError(415, "unsupported_media_type", "send the body as application/json");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "the request body is not valid JSON");
  }
  return parseValue(schema, value);
}

function parseValue<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError("body", parsed.error);
  return parsed.data;
}

/** Query parameters as an object of strings (repeated keys: the last wins) through a schema. */
export function parseQuery<T extends z.ZodType>(url: URL, schema: T): z.infer<T> {
  const raw: Record<string, string> = {};
  for (const [key, value] of url.searchParams) raw[key] = value;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw validationError("query", parsed.error);
  return parsed.data;
}
