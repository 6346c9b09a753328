// Every port's shared suite against every backend in TEST_BACKENDS.
import { TEST_BACKENDS } from "./backends.ts";
import { storeSuite } from "./suite.ts";
import { historySuite, registerRollupTests } from "./history_suite.ts";
import { registerExportTests, registerSummaryTests } from "./history_live_suite.ts";
import {
  registerInsightTests,
  registerRetentionTests,
  registerTimelineTests,
} from "./history_query_suite.ts";
import { serverRecordSuite } from "./server_suite.ts";
import { alertSuite } from "./alerts_suite.ts";
import { maintenanceSuite } from "./maintenance_suite.ts";
import { interfaceSuite } from "./interfaces_suite.ts";
import { ManualClock } from "../../engine/mod.ts";

const history = [
  registerRollupTests,
  registerTimelineTests,
  registerRetentionTests,
  registerInsightTests,
  registerSummaryTests,
  registerExportTests,
];

for (const backend of TEST_BACKENDS) {
  storeSuite(backend.name, () => backend.place()({ clock: new ManualClock() }));
  historySuite(backend.name, (options) => backend.place()(options), history);
  serverRecordSuite(backend);
  alertSuite(backend);
  maintenanceSuite(backend);
  interfaceSuite(backend);
}
