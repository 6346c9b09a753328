// Alert tables: rules, the saved state of each (rule, target, agent) machine, the event history with
// each action's outcome, and timeline comments. See store/schema.ts for how components migrate.
import type { MigrationSet } from "./schema.ts";

export const ALERTS_MIGRATIONS: MigrationSet = {
  name: "alerts",
  migrations: [
    // 1: rules (spec = the rule as JSON, validated by alerts/ on load), machine states, history.
    `
    CREATE TABLE alert_rules (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      spec TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );

    -- The state machine of one rule on one target, saved on every status change, so a restart
    -- neither fires again nor forgets to recover.
    CREATE TABLE alert_states (
      rule_id INTEGER NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
      target_id INTEGER NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
      state TEXT NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (rule_id, target_id)
    ) WITHOUT ROWID;

    -- History outlives rules and targets on purpose: no foreign keys.
    CREATE TABLE alert_events (
      id INTEGER PRIMARY KEY,
      rule_id INTEGER NOT NULL,
      target_id INTEGER NOT NULL,
      kind TEXT NOT NULL,
      at INTEGER NOT NULL,
      detail TEXT NOT NULL
    );
    CREATE INDEX alert_events_by_at ON alert_events (at);
    CREATE INDEX alert_events_by_target ON alert_events (target_id, at);
    CREATE INDEX alert_events_by_rule ON alert_events (rule_id, at);

    CREATE TABLE alert_action_runs (
      id INTEGER PRIMARY KEY,
      event_id INTEGER NOT NULL REFERENCES alert_events (id) ON DELETE CASCADE,
      idx INTEGER NOT NULL,
      type TEXT NOT NULL,
      ok INTEGER NOT NULL,
      attempts INTEGER NOT NULL,
      at INTEGER NOT NULL,
      error TEXT,
      output TEXT
    );
    CREATE INDEX alert_action_runs_by_event ON alert_action_runs (event_id);

    -- Annotations on a target's timeline (the "add comment" action; later also people).
    CREATE TABLE timeline_comments (
      id INTEGER PRIMARY KEY,
      target_id INTEGER NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
      at INTEGER NOT NULL,
      text TEXT NOT NULL,
      event_id INTEGER,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX timeline_comments_by_target ON timeline_comments (target_id, at);
    `,
    // 2: who wrote a comment: people through the API ('user') or an alert action ('alert',
    // which is what every comment before this migration was).
    `
    ALTER TABLE timeline_comments ADD COLUMN source TEXT NOT NULL DEFAULT 'alert'
      CHECK (source IN ('alert', 'user'));
    `,
    // 3: alerts per agent (vantage point): each agent keeps its own machine state of a rule on a
    // target, and an event names the agent whose rounds raised it. NULL: saved before agents
    // (a state is claimed by the first agent that loads its states).
    `
    CREATE TABLE alert_states_by_agent (
      rule_id INTEGER NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
      target_id INTEGER NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
      agent TEXT,
      state TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    );
    INSERT INTO alert_states_by_agent (rule_id, target_id, agent, state, updated_at)
      SELECT rule_id, target_id, NULL, state, updated_at FROM alert_states;
    DROP TABLE alert_states;
    ALTER TABLE alert_states_by_agent RENAME TO alert_states;
    CREATE UNIQUE INDEX alert_states_key ON alert_states (rule_id, target_id, agent);

    ALTER TABLE alert_events ADD COLUMN agent TEXT;
    `,
  ],
};
