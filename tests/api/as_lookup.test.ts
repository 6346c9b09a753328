// /hops carries each hop's AS only when the server runs with --as-lookup (a stand-in resolver
// here: no test queries a real DNS server).
import assert from "node:assert/strict";
import { AsLookup } from "../../engine/asn.ts";
import { ManualClock } from "../../engine/clock.ts";
import { DEST, setup } from "./helpers.ts";

for (const on of [false, true]) {
  Deno.test(`api hops - AS numbers ${on ? "with" : "without"} --as-lookup`, async () => {
    const asked: string[] = [];
    const asLookup = new AsLookup({
      clock: new ManualClock(),
      lookup: (name) => {
        asked.push(name);
        return Promise.resolve(
          name.startsWith("1.0.0.10.") ? ["64500 | 10.0.0.0/24 | ZZ | x | y"] : [],
        );
      },
    });
    const t = await setup(on ? { asLookup } : {});
    try {
      const { json } = await t.call("POST", "/api/targets", {
        body: { host: DEST, interval: 1, timeout: 0.5 },
      });
      await t.clock.advance(3_500);
      const hops = (await t.call("GET", `/api/targets/${json.target.id}/hops?focus=3`)).json.hops;
      if (!on) {
        assert.equal("as" in hops[0], false);
        assert.deepEqual(asked, [], "off: nothing is asked");
        return;
      }
      assert.equal(hops[0].as.asn, 64500);
      assert.equal(hops[0].as.prefix, "10.0.0.0/24");
      assert.equal(hops.at(-1).as, null, "no record");
    } finally {
      await t.close();
    }
  });
}
