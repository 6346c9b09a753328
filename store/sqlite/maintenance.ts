// Upkeep of a SQLite database: space accounting, returning free pages to the file system and the
// integrity check. Retention itself lives in retention.ts (it runs on the writer loop as well).
//
// Why not plain VACUUM: SQLite runs VACUUM through an internal ATTACH of a scratch database, and
// Deno's node:sqlite sets SQLITE_LIMIT_ATTACHED to 0 unless the process holds every permission
// (an attached file could escape --allow-read/--allow-write). So `VACUUM` fails with "too many
// attached databases - max 0" under the permissions users run with. Databases are created in
// incremental auto-vacuum mode instead (see schema.ts), where `PRAGMA incremental_vacuum` moves
// free pages to the end of the file and truncates it with no ATTACH at all.
import type { DatabaseSync } from "node:sqlite";
import type { IntegrityReport, StorageSpace } from "../types.ts";

/** auto_vacuum modes as SQLite numbers them. */
const AUTO_VACUUM_NONE = 0;

export interface SqliteMaintenance {
  storageSpace(): StorageSpace;
  /** page_count counts pages still in the write-ahead log too, without a checkpoint. */
  sizeBytes(): number;
  vacuum(): StorageSpace;
  checkIntegrity(): IntegrityReport;
}

export function createSqliteMaintenance(db: DatabaseSync, location: string): SqliteMaintenance {
  function pragma(name: string): number {
    return Object.values(db.prepare(`PRAGMA ${name}`).get() as Record<string, number>)[0];
  }

  function storageSpace(): StorageSpace {
    // Pages still in the write-ahead log are not in the file yet: fold them in first.
    db.prepare("PRAGMA wal_checkpoint(TRUNCATE)").all();
    const pageSize = pragma("page_size");
    return {
      location,
      usedBytes: pragma("page_count") * pageSize,
      freeBytes: pragma("freelist_count") * pageSize,
    };
  }

  function vacuum(): StorageSpace {
    if (pragma("auto_vacuum") === AUTO_VACUUM_NONE) convertToIncremental();
    else db.prepare("PRAGMA incremental_vacuum").all();
    return storageSpace();
  }

  /** A database made before incremental mode needs one full VACUUM to switch (see above). */
  function convertToIncremental(): void {
    try {
      db.exec("PRAGMA auto_vacuum = INCREMENTAL");
      db.exec("VACUUM");
    } catch (error) {
      if (!String(error).includes("attached databases")) throw error;
      throw new Error(
        `${location} was created before incremental vacuum; run one vacuum with all ` +
          "permissions (deno run -A main.ts cleanup --vacuum) to convert it, later ones need none",
        { cause: error },
      );
    }
  }

  function checkIntegrity(): IntegrityReport {
    const rows = db.prepare("PRAGMA integrity_check").all() as { integrity_check: string }[];
    const problems = rows.map((row) => row.integrity_check).filter((text) => text !== "ok");
    const foreign = db.prepare("PRAGMA foreign_key_check").all() as {
      table: string;
      rowid: number | null;
      parent: string;
    }[];
    for (const row of foreign) {
      problems.push(`${row.table} row ${row.rowid} points to a missing ${row.parent} row`);
    }
    return { ok: problems.length === 0, problems };
  }

  return {
    storageSpace,
    sizeBytes: () => pragma("page_count") * pragma("page_size"),
    vacuum,
    checkIntegrity,
  };
}
