// How commands find the running server: while it listens, the server writes its URL into a file
// beside its database (pingwatcher.db.server in the data directory) and removes it on shutdown.
// A command reads it and uses the server only if it answers /healthz, so a file left by a crash
// is harmless.
import { lockPathOf } from "./writer_lock.ts";

export interface ServerFile {
  url: string;
  pid: number;
}

export function serverFilePath(dbPath: string): string | null {
  return lockPathOf(dbPath) === null ? null : `${dbPath}.server`;
}

/** Writes the file; returns a function that removes it (only if it is still ours). */
export function writeServerFile(dbPath: string, url: string): () => void {
  const path = serverFilePath(dbPath);
  if (path === null) return () => {};
  const text = JSON.stringify({ url, pid: Deno.pid } satisfies ServerFile) + "\n";
  Deno.writeTextFileSync(path, text);
  return () => {
    try {
      if (Deno.readTextFileSync(path) === text) Deno.removeSync(path);
    } catch {
      // Already gone.
    }
  };
}

export function readServerFile(dbPath: string): ServerFile | null {
  const path = serverFilePath(dbPath);
  if (path === null) return null;
  try {
    const parsed = JSON.parse(Deno.readTextFileSync(path)) as ServerFile;
    return typeof parsed.url === "string" && /^https?:\/\//.test(parsed.url) ? parsed : null;
  } catch {
    return null;
  }
}
