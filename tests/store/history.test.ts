// The history suite on SQLite, a file and :memory:.
import { openSqliteStore } from "../../store/mod.ts";
import { historySuite, registerRollupTests } from "./history_suite.ts";
import { registerExportTests, registerSummaryTests } from "./history_live_suite.ts";
import {
  registerInsightTests,
  registerRetentionTests,
  registerTimelineTests,
} from "./history_query_suite.ts";

const dirs: string[] = [];
globalThis.addEventListener("unload", () => {
  for (const dir of dirs) Deno.removeSync(dir, { recursive: true });
});

function tempDbPath(): string {
  const dir = Deno.makeTempDirSync({ prefix: "pingwatcher-history-" });
  dirs.push(dir);
  return `${dir}/store.db`;
}

const register = [
  registerRollupTests,
  registerTimelineTests,
  registerRetentionTests,
  registerInsightTests,
  registerSummaryTests,
  registerExportTests,
];
historySuite("sqlite file", (options) => openSqliteStore(tempDbPath(), options), register);
historySuite("sqlite :memory:", (options) => openSqliteStore(":memory:", options), register);
