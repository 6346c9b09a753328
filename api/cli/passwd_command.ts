// `pingwatcher passwd`: sets or clears the login password.
import type { Command } from "./command.ts";
import { runPasswd } from "./passwd.ts";

export const passwdCommand: Command = {
  name: "passwd",
  summary: "set the login password, read from stdin (--clear removes it)",
  usage: `Usage: pingwatcher passwd [--db PATH] [--data-dir DIR] [--clear]

Reads the new login password from stdin (at least 8 characters) and stores its scrypt hash.
  --clear                remove the password instead
  --db PATH, --data-dir DIR  the database (as for the server)`,
  run: (argv, io) => runPasswd(argv, io),
};
