// The target list and the selection: a list that left the server before a target was chosen (a
// link to a target just added) must not drop that choice for the first target.
import assert from "node:assert/strict";
import { selectionAfterLoad } from "../../ui/model/selection.ts";

Deno.test("ui targets - a target chosen while the list was on its way is kept", () => {
  // Asked with nothing chosen; target 7 was chosen (from the URL) before the answer came.
  assert.equal(selectionAfterLoad([1], 7, null), "ask again");
  assert.equal(selectionAfterLoad([1], 7, 1), "ask again");
  // The next list has it.
  assert.equal(selectionAfterLoad([1, 7], 7, 7), 7);
});

Deno.test("ui targets - a chosen target that is gone falls back to the first, or none", () => {
  assert.equal(selectionAfterLoad([3, 4], 9, 9), 3);
  assert.equal(selectionAfterLoad([], 9, 9), null);
  assert.equal(selectionAfterLoad([3, 4], null, null), null);
  assert.equal(selectionAfterLoad([3, 4], 4, 9), 4);
});
