// What the application core refuses, in its own words. The API maps each kind to an HTTP status
// in one place (api/errors.ts); the CLI can print the message as it is.

export type CoreErrorKind = "not_found" | "conflict" | "invalid" | "unsupported";

export interface FieldIssue {
  field: string;
  message: string;
}

export class CoreError extends Error {
  constructor(
    readonly kind: CoreErrorKind,
    readonly code: string,
    message: string,
    readonly details?: FieldIssue[],
  ) {
    super(message);
    this.name = "CoreError";
  }
}

export const targetNotFound = (id: number) =>
  new CoreError("not_found", "not_found", `target ${id} not found`);

export const readOnly = (message: string) => new CoreError("conflict", "read_only", message);

export const invalid = (code: string, message: string, details?: FieldIssue[]) =>
  new CoreError("invalid", code, message, details);

/** Declared in the config file: the file is the one place to change or remove it. */
export const declaredTarget = (target: { id: number; host: string }) =>
  new CoreError(
    "conflict",
    "declared_target",
    `target ${target.id} (${target.host}) is declared in the config file: change or remove it ` +
      `there and reload (SIGHUP); pause and resume still work`,
  );
