// Colours and progress bars appear only on a terminal, never with NO_COLOR (any value) or --json.
import assert from "node:assert/strict";
import { progress } from "../../api/cli/progress.ts";
import { colorsWanted, styleFor, table } from "../../api/cli/style.ts";

Deno.test("style - colours only on a terminal, without NO_COLOR, not for --json", () => {
  assert.equal(colorsWanted({ isTty: true, env: {} }), true);
  assert.equal(colorsWanted({ isTty: false, env: {} }), false);
  assert.equal(colorsWanted({ isTty: true, env: { NO_COLOR: "" } }), false);
  assert.equal(colorsWanted({ isTty: true, env: { NO_COLOR: "1" } }), false);
  assert.equal(colorsWanted({ isTty: true, env: {} }, true), false);
  assert.equal(styleFor(true).red("down"), "\x1b[31mdown\x1b[0m");
  assert.equal(styleFor(false).red("down"), "down");
});

Deno.test("style - table columns line up whatever the colours", () => {
  const text = table([["A", "B"], [styleFor(true).green("up"), "x"], ["degraded", "y"]]);
  const plain = text.replaceAll("\x1b[32m", "").replaceAll("\x1b[0m", "");
  const starts = plain.trimEnd().split("\n").map((line) => line.lastIndexOf(" ") + 1);
  assert.deepEqual(starts, [10, 10, 10]);
});

Deno.test("progress - a bar with a total on a terminal, nothing otherwise", () => {
  let t = 0;
  const drawn: string[] = [];
  const base = { writeError: (s: string) => drawn.push(s), now: () => t, unit: "rounds", total: 4 };
  const bar = progress({ ...base, stderrIsTty: true, env: {} });
  bar.update(1);
  t = 1000;
  bar.update(2);
  bar.finish(4);
  assert.match(drawn[0], /\[#{8}\.{22}\] 25\.0% 1\/4 rounds/);
  assert.match(drawn.at(-2)!, /100\.0% 4\/4 rounds, ETA 0s/);
  assert.equal(drawn.at(-1), "\n");
  for (
    const quiet of [
      { stderrIsTty: false, env: {} },
      { stderrIsTty: true, env: { NO_COLOR: "1" } },
      { stderrIsTty: true, env: {}, json: true },
    ]
  ) {
    const silent: string[] = [];
    const off = progress({
      ...base,
      ...(quiet as { stderrIsTty: boolean; env: Record<string, string>; json?: boolean }),
      writeError: (s: string) => silent.push(s),
    });
    off.update(2);
    off.finish(4);
    assert.deepEqual(silent, []);
  }
});
