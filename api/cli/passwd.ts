// `pingwatcher passwd`: sets (or with --clear removes) the login password, read from stdin so it
// never appears in the process list or the shell history. Stored as an scrypt hash.
import { parseArgs } from "node:util";
import { openStore } from "../../store/mod.ts";
import { hashPassword } from "../auth_hash.ts";
import { databasePath } from "./paths.ts";

export interface PasswdDeps {
  write(text: string): void;
  writeError(text: string): void;
  env: Record<string, string>;
  readStdin(): Promise<string>;
}

const MIN_LENGTH = 8;

export async function runPasswd(argv: string[], deps: PasswdDeps): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        db: { type: "string" },
        "data-dir": { type: "string" },
        clear: { type: "boolean" },
      },
    }));
  } catch (error) {
    deps.writeError(`passwd: ${(error as Error).message}\n`);
    return 2;
  }
  const path = databasePath(
    { db: values.db ?? null, dataDir: values["data-dir"] ?? null },
    deps.env,
  );
  let hash: string | null = null;
  if (!values.clear) {
    const password = (await deps.readStdin()).replace(/\r?\n$/, "");
    if (password.length < MIN_LENGTH) {
      deps.writeError(
        `passwd: the password needs at least ${MIN_LENGTH} characters (read from stdin)\n`,
      );
      return 2;
    }
    hash = await hashPassword(password);
  }
  const store = await openStore(path);
  try {
    await store.setPasswordHash(hash);
  } finally {
    await store.close();
  }
  deps.write(hash ? `password set in ${path}\n` : `password removed from ${path}\n`);
  return 0;
}
