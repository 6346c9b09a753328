// The command table: every command of `pingwatcher`, in the order `--help` lists them. Adding a
// command is one file exporting a Command plus one line here.
import type { Command } from "./command.ts";
import { checkCommand } from "./check_command.ts";
import { cleanupCommand } from "./cleanup_command.ts";
import { initConfigCommand } from "./config/mod.ts";
import { monitorCommand } from "./monitor_command.ts";
import { passwdCommand } from "./passwd_command.ts";
import { seedCommand } from "./seed_command.ts";
import { serveCommand } from "./serve_command.ts";
import { serviceCommand } from "./service_command.ts";
import { traceCommand } from "./trace_command.ts";

export const COMMANDS: readonly Command[] = [
  serveCommand,
  monitorCommand,
  traceCommand,
  checkCommand,
  passwdCommand,
  seedCommand,
  cleanupCommand,
  initConfigCommand,
  serviceCommand,
];

/** The server is what runs when the first argument is not a command. */
export const DEFAULT_COMMAND = serveCommand;
