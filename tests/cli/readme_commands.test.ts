// The README's "Commands" section matches `--help`: every command of the table has a row, and the
// scripting commands' usage (flags and exit codes) is quoted there exactly as `--help` prints it.
import assert from "node:assert/strict";
import { COMMANDS } from "../../api/cli/commands.ts";
import { ROOT } from "./run.ts";

const README = Deno.readTextFileSync(`${ROOT}README.md`);
const section = README.slice(
  README.indexOf("## Commands"),
  README.indexOf("## The `trace` command"),
);

Deno.test("readme - the Commands table has a row for every command of --help", () => {
  for (const command of COMMANDS) {
    assert.match(section, new RegExp(`^\\| \`${command.name}[ \`]`, "m"), command.name);
  }
});

Deno.test("readme - status, target, events and export usage is quoted as --help prints it", () => {
  for (const name of ["status", "target", "events", "export"]) {
    const command = COMMANDS.find((c) => c.name === name)!;
    assert.ok(section.includes("```text\n" + command.usage + "\n```"), `${name} usage in README`);
  }
});
