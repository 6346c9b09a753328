// The alert part of the Store interface. Rule specs and machine states are kept as JSON that
// alerts/ validates on load, so store/ does not depend on alerts/ (and an older or newer rule
// shape read from disk is checked, not trusted).

export interface StoredAlertRule {
  id: number;
  spec: unknown;
  createdAt: number;
  updatedAt: number;
}

/** The machine of one rule on one target as one agent (vantage point) evaluates it. */
export interface StoredAlertState {
  ruleId: number;
  targetId: number;
  /** The agent whose rounds the machine follows (each agent keeps its own). */
  agent: string;
  state: unknown;
  updatedAt: number;
}

export interface NewAlertEventRecord {
  ruleId: number;
  targetId: number;
  /**
   * The agent (vantage point) whose rounds raised it; null: recorded before agents were.
   * Absent on write = null.
   */
  agent?: string | null;
  kind: string;
  at: number;
  /** The whole event as JSON (alerts/types.ts AlertEvent). */
  detail: unknown;
}

/** The result of running one action for one event (alerts/types.ts ActionRun). */
export interface ActionRunRecord {
  eventId: number;
  /** Position of the action in the rule's list (-1 for a test-fire of a loose action). */
  index: number;
  type: string;
  ok: boolean;
  attempts: number;
  /** Epoch ms when the last attempt ended. */
  at: number;
  error: string | null;
  /** Captured output or a short description of what was done (file written, HTTP status). */
  output: string | null;
}

export interface AlertEventRecord extends NewAlertEventRecord {
  id: number;
  agent: string | null;
  /** What each action did, in the rule's order of actions. */
  actions: ActionRunRecord[];
}

/** Filters for the history, newest first. */
export interface AlertEventQuery {
  ruleId?: number;
  targetId?: number;
  /** Only this agent's events. */
  agent?: string;
  kinds?: string[];
  /** Time range [start, end) in epoch ms. */
  start?: number;
  end?: number;
  /** Only events with a smaller id (paging backwards). */
  beforeId?: number;
  /** At most this many (default 100, at most 1000). */
  limit?: number;
}

/** Who wrote a timeline comment: a person through the API, or an alert's comment action. */
export type CommentSource = "user" | "alert";

export interface NewTimelineComment {
  targetId: number;
  at: number;
  text: string;
  eventId?: number | null;
  /** Default "alert". */
  source?: CommentSource;
}

export interface TimelineComment extends NewTimelineComment {
  id: number;
  eventId: number | null;
  source: CommentSource;
  createdAt: number;
}

export interface AlertStore {
  addAlertRule(spec: unknown): Promise<StoredAlertRule>;
  getAlertRule(id: number): Promise<StoredAlertRule | null>;
  listAlertRules(): Promise<StoredAlertRule[]>;
  /** Replaces the spec. Returns null when there is no such rule. */
  updateAlertRule(id: number, spec: unknown): Promise<StoredAlertRule | null>;
  /** Deletes the rule and its saved states (its history stays). */
  removeAlertRule(id: number): Promise<boolean>;

  /**
   * One agent's saved states. States saved before agents were (no agent) are claimed by the
   * first agent that asks, as outages from before agents are: they become its own.
   */
  alertStates(agent: string): Promise<StoredAlertState[]>;
  putAlertState(state: StoredAlertState): Promise<void>;
  deleteAlertState(ruleId: number, targetId: number, agent: string): Promise<void>;

  addAlertEvent(event: NewAlertEventRecord): Promise<AlertEventRecord>;
  /** Replaces an event's detail (the id is only known once it is recorded). */
  updateAlertEventDetail(id: number, detail: unknown): Promise<void>;
  addActionRun(run: ActionRunRecord): Promise<void>;
  alertEvents(query?: AlertEventQuery): Promise<AlertEventRecord[]>;

  addTimelineComment(comment: NewTimelineComment): Promise<TimelineComment>;
  /** Comments of a target in [start, end), oldest first. */
  timelineComments(
    targetId: number,
    query?: { start?: number; end?: number },
  ): Promise<TimelineComment[]>;
  /** Deletes one comment of a target. Returns false when the target has no such comment. */
  removeTimelineComment(targetId: number, id: number): Promise<boolean>;
}
