// One writer per database file: a lock file beside it holding the writer's pid. The server and
// `monitor` hold it while they run; a writing command takes it for the moment it writes. A lock
// whose process is gone (killed, crashed) is stale and taken over; a live one is refused, never
// waited on, so two writers never touch the file at once. Liveness: where /proc may be read
// (Linux with full read permission) the pid is looked up; otherwise (the narrowed permissions of
// `deno task start` do not reach /proc) the holder touches the file every few seconds and a lock
// left untouched for STALE_MS is stale. Only plain file paths are locked (":memory:" has no
// second writer; a database server has its own locking).
import { repeatOnSlots } from "../core/mod.ts";

export interface LockHolder {
  pid: number;
  /** What holds it ("serve", "target add", ...). */
  command: string;
  host: string;
  since: string;
}

/** The lock is held by a live process. */
export class LockBusyError extends Error {
  constructor(readonly holder: LockHolder, readonly path: string) {
    super(
      `the database is being written by another PingWatcher (${holder.command}, pid ${holder.pid}` +
        ` on ${holder.host} since ${holder.since}); lock file ${path}`,
    );
    this.name = "LockBusyError";
  }
}

/** The host name, or "unknown" where the permissions do not grant it (the service unit). */
function hostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown";
  }
}

/** How often a holder touches its lock file, and how old an untouched one may get. */
export const TOUCH_EVERY_MS = 5_000;
export const STALE_MS = 30_000;

export interface WriterLock {
  path: string;
  release(): void;
}

/** The lock file of a database, or null when it is not a plain file path. */
export function lockPathOf(dbPath: string): string | null {
  if (dbPath === ":memory:" || /^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(dbPath)) return null;
  return `${dbPath}.lock`;
}

/** Takes the lock (taking over a stale one) or throws LockBusyError. */
export function acquireWriterLock(dbPath: string, command: string): WriterLock {
  const path = lockPathOf(dbPath);
  if (path === null) return { path: "", release: () => {} };
  const mine: LockHolder = {
    pid: Deno.pid,
    command,
    host: hostname(),
    since: new Date().toISOString(),
  };
  const text = JSON.stringify(mine) + "\n";
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      Deno.writeTextFileSync(path, text, { createNew: true });
      const stopTouching = repeatOnSlots(TOUCH_EVERY_MS, () => touch(path), { unref: true });
      return {
        path,
        release: () => {
          stopTouching();
          releaseIfMine(path, mine.pid);
        },
      };
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    const seen = readHolder(path);
    if (seen === null) continue; // released meanwhile, or unreadable garbage removed below
    if (isAlive(seen.holder, path)) throw new LockBusyError(seen.holder, path);
    removeIfUnchanged(path, seen.raw);
  }
  const last = readHolder(path);
  throw new LockBusyError(last?.holder ?? { ...mine, command: "unknown" }, path);
}

/** Who holds the lock of a database now (null: nobody, or a stale lock). */
export function lockHolder(dbPath: string): LockHolder | null {
  const path = lockPathOf(dbPath);
  if (path === null) return null;
  const seen = readHolder(path);
  return seen && isAlive(seen.holder, path) ? seen.holder : null;
}

function readHolder(path: string): { holder: LockHolder; raw: string } | null {
  let raw: string;
  try {
    raw = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  try {
    const holder = JSON.parse(raw) as LockHolder;
    if (Number.isInteger(holder.pid) && holder.pid > 0) return { holder, raw };
  } catch {
    // A half-written or foreign file: treated as stale below.
  }
  removeIfUnchanged(path, raw);
  return null;
}

/** This process; else what /proc says, where it may be read; else whether it was touched lately. */
function isAlive(holder: LockHolder, path: string): boolean {
  if (holder.pid === Deno.pid && holder.host === hostname()) return true;
  if (holder.host === hostname() && Deno.build.os === "linux") {
    try {
      Deno.statSync(`/proc/${holder.pid}`);
      return true;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      // NotCapable / PermissionDenied: fall back to the file's age.
    }
  }
  try {
    const touched = Deno.statSync(path).mtime?.getTime() ?? Date.now();
    return Date.now() - touched < STALE_MS;
  } catch {
    return false;
  }
}

function touch(path: string): void {
  try {
    const now = new Date();
    Deno.utimeSync(path, now, now);
  } catch {
    // Removed by someone who judged it stale; the next writer check tells.
  }
}

function removeIfUnchanged(path: string, raw: string): void {
  try {
    if (Deno.readTextFileSync(path) === raw) Deno.removeSync(path);
  } catch {
    // Gone already: fine.
  }
}

function releaseIfMine(path: string, pid: number): void {
  const seen = (() => {
    try {
      return JSON.parse(Deno.readTextFileSync(path)) as LockHolder;
    } catch {
      return null;
    }
  })();
  if (seen?.pid !== pid) return;
  try {
    Deno.removeSync(path);
  } catch {
    // Removed by someone who judged it stale: nothing to release.
  }
}
