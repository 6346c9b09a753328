// A lab-like simulated network for the browser scenarios (documentation addresses: the
// FakeProber sends nothing) and a helper that adds a target through the API.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { FakeNetwork } from "../../engine/probers/fake.ts";
import { NETWORK } from "./harness.ts";

export const LAB: FakeNetwork = {
  ...NETWORK,
  // Real loss at router 2 (it carries to every later hop), latency into the warn band at 3.
  "198.51.100.30": [
    { ip: "10.3.0.1", rttMs: 1 },
    { ip: "10.3.1.1", rttMs: (p) => 8 + (p.index % 5), lossPct: 25 },
    { ip: "10.3.2.1", rttMs: (p) => 110 + (p.index % 9) * 4 },
    { rttMs: (p) => 120 + (p.index % 11) * 5 },
  ],
  // Clean, fast forward hops and a slow destination: the pattern of an asymmetric return path.
  "198.51.100.40": [
    { ip: "10.4.0.1", rttMs: 1 },
    { ip: "10.4.1.1", rttMs: 3 },
    { ip: "10.4.2.1", rttMs: 4 },
    { rttMs: (p) => 180 + (p.index % 3) },
  ],
  // A steady third target for overlays.
  "198.51.100.50": [
    { ip: "10.5.0.1", rttMs: 2 },
    { rttMs: (p) => 60 + (p.index % 4) * 3 },
  ],
};

export async function addByApi(page: Page, url: string, host: string): Promise<number> {
  const res = await page.request.post(`${url}/api/targets`, { data: { host, interval: 0.5 } });
  assert.equal(res.status(), 201, await res.text());
  return (await res.json()).target.id;
}
