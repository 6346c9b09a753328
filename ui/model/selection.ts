// Which target stays selected when the target list arrives. A target chosen while the list was on
// its way (a link to a target just added) may be newer than the list: that list is asked again
// rather than the choice dropped for the first target.

/** `"ask again"`: the list is older than the choice; otherwise the id to select (null: none). */
export function selectionAfterLoad(
  ids: number[],
  chosen: number | null,
  chosenWhenAsked: number | null,
): number | null | "ask again" {
  if (chosen === null || ids.includes(chosen)) return chosen;
  if (chosen !== chosenWhenAsked) return "ask again";
  return ids[0] ?? null;
}
