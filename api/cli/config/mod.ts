// The config file (pingwatcher.yaml): its schema, loader, sync with the database, reloads and
// the init-config command. The rest of the CLI comes in here.
export { ConfigError, type ConfigIssue, formatIssue } from "./errors.ts";
export { loadConfigFile, type LoadedConfig, parseConfigText } from "./load.ts";
export {
  CONFIG_FILE_NAME,
  type ConfigLocation,
  configLocation,
  readConfig,
  withConfigEnv,
} from "./locate.ts";
export { ConfigReloader, type ReloadOutcome } from "./reload.ts";
export { applySync, planSync, retireInStore, type SyncPlan, type SyncResult } from "./sync.ts";
export { type ConfigFile, configFileSchema, type ConfigTarget } from "./schema.ts";
export { initConfigCommand } from "./init_config_command.ts";
export { STARTER_CONFIG } from "./starter.ts";
export { declaredTargets } from "./declared.ts";
export {
  configAuth,
  configErrorText,
  prepareDeclared,
  type ServeConfig,
  serveConfig,
  startDeclared,
  startDeclaredRules,
} from "./serve_config.ts";
export { checkConfigTargets } from "./check_targets.ts";
export { type MonitorConfig, monitorConfig } from "./monitor_config.ts";
export { type RuleSyncResult, syncAlertRules } from "./alert_rules.ts";
