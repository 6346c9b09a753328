// The components whose tables live beside the core schema, each with its own migration list
// (see store/schema.ts). Order matters only where a component references another's tables.
import type { MigrationSet } from "./schema.ts";
import { HISTORY_MIGRATIONS } from "./schema_history.ts";
import { SERVER_MIGRATIONS } from "./schema_server.ts";
import { ALERTS_MIGRATIONS } from "./schema_alerts.ts";
import { INTERFACES_MIGRATIONS } from "./schema_interfaces.ts";

export const COMPONENT_MIGRATIONS: readonly MigrationSet[] = [
  HISTORY_MIGRATIONS,
  SERVER_MIGRATIONS,
  ALERTS_MIGRATIONS,
  INTERFACES_MIGRATIONS,
];
