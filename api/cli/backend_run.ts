// Runs a command's work against its backend: opens it, turns every refusal (a domain error, an
// API error, a missing database or a held lock) into a message and the documented exit code, and
// always closes it.
import { CoreError } from "../core/mod.ts";
import { ApiRequestError, ServerUnreachableError } from "./api_client.ts";
import {
  BackendError,
  type CliBackend,
  openBackend,
  type OpenOptions,
  SOURCE_EXIT,
  type SourceArgs,
} from "./backend.ts";

export async function withBackend(
  args: SourceArgs,
  options: OpenOptions & { writeError(text: string): void },
  work: (backend: CliBackend) => Promise<number>,
): Promise<number> {
  const fail = (error: unknown): number => {
    const code = exitCodeOf(error);
    if (code === null) throw error;
    options.writeError(`pingwatcher ${options.command}: ${(error as Error).message}\n`);
    return code;
  };
  let backend: CliBackend;
  try {
    backend = await openBackend(args, options);
  } catch (error) {
    return fail(error);
  }
  try {
    return await work(backend);
  } catch (error) {
    return fail(error);
  } finally {
    await backend.close();
  }
}

function exitCodeOf(error: unknown): number | null {
  if (error instanceof BackendError) return error.exitCode;
  if (error instanceof ServerUnreachableError) return SOURCE_EXIT.unreachable;
  if (error instanceof ApiRequestError || error instanceof CoreError) return SOURCE_EXIT.refused;
  return null;
}
