// AS number and announced prefix of an address, through DNS TXT records in the convention Team
// Cymru's IP-to-ASN service uses (and mtr -z/-y and Trippy read): the address's octets (IPv4) or
// nibbles (IPv6) reversed, under origin.asn.cymru.com / origin6.asn.cymru.com, answer
// "ASN [ASN...] | PREFIX | CC | REGISTRY | DATE". Off unless asked for: every lookup tells a
// third party which addresses are on the path. Answers are cached (1 h; no answer 10 min).
import { expandIpv6 } from "./dns.ts";
import { isIpv4 } from "./options.ts";
import type { Clock } from "./types.ts";

export interface AsInfo {
  /** The origin AS (the first when several announce the prefix). */
  asn: number;
  prefix: string;
  country: string | null;
  registry: string | null;
}

export interface AsZones {
  v4: string;
  v6: string;
}

export const CYMRU_ZONES: AsZones = { v4: "origin.asn.cymru.com", v6: "origin6.asn.cymru.com" };

/** The TXT name to ask for an address. */
export function asQueryName(ip: string, zones: AsZones = CYMRU_ZONES): string {
  if (isIpv4(ip)) return `${ip.split(".").reverse().join(".")}.${zones.v4}`;
  const nibbles = expandIpv6(ip).replaceAll(":", "").split("").reverse().join(".");
  return `${nibbles}.${zones.v6}`;
}

/** "64500 64501 | 198.18.2.0/24 | ZZ | lab | 2026-11-29" → AsInfo; null when not that shape. */
export function parseAsTxt(text: string): AsInfo | null {
  const fields = text.split("|").map((field) => field.trim());
  if (fields.length < 2) return null;
  const asn = Number(fields[0].split(/\s+/)[0]);
  if (!Number.isInteger(asn) || asn <= 0 || asn > 4_294_967_295) return null;
  if (!/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(fields[1])) return null;
  return { asn, prefix: fields[1], country: fields[2] || null, registry: fields[3] || null };
}

/** TXT strings for a name (each record's strings joined); rejects when the query fails. */
export type TxtLookup = (name: string, signal?: AbortSignal) => Promise<string[]>;

export const denoTxtLookup: TxtLookup = async (name, signal) =>
  (await Deno.resolveDns(name, "TXT", { signal })).map((strings) => strings.join(""));

const LOOKUP_TIMEOUT_MS = 2000;

interface Entry {
  info: AsInfo | null;
  expiresAt: number;
}

export class AsLookup {
  readonly #cache = new Map<string, Entry>();
  readonly #asking = new Map<string, Promise<AsInfo | null>>();

  constructor(
    readonly options: {
      clock: Clock;
      lookup?: TxtLookup;
      zones?: AsZones;
      positiveTtlMs?: number;
      negativeTtlMs?: number;
    },
  ) {}

  /** The cached answer: info, null (no record), or undefined (never asked, or expired). */
  cached(ip: string): AsInfo | null | undefined {
    const entry = this.#cache.get(ip);
    return entry && entry.expiresAt > this.options.clock.now() ? entry.info : undefined;
  }

  /** Looks the address up unless a fresh answer is cached. A failed query is not cached. */
  lookup(ip: string): Promise<AsInfo | null> {
    const cached = this.cached(ip);
    if (cached !== undefined) return Promise.resolve(cached);
    let asking = this.#asking.get(ip);
    if (!asking) {
      asking = this.#ask(ip).finally(() => this.#asking.delete(ip));
      this.#asking.set(ip, asking);
    }
    return asking;
  }

  async #ask(ip: string): Promise<AsInfo | null> {
    const lookup = this.options.lookup ?? denoTxtLookup;
    let texts: string[];
    const stop = new AbortController();
    const timer = this.options.clock.sleep(LOOKUP_TIMEOUT_MS, stop.signal)
      .then(() => stop.abort(new Error("timed out")), () => {});
    try {
      texts = await lookup(asQueryName(ip, this.options.zones), stop.signal);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) return null; // try again next time
      texts = [];
    } finally {
      if (!stop.signal.aborted) stop.abort("done");
      await timer;
    }
    const info = texts.map(parseAsTxt).find((found) => found !== null) ?? null;
    const ttl = info
      ? this.options.positiveTtlMs ?? 3_600_000
      : this.options.negativeTtlMs ?? 600_000;
    this.#cache.set(ip, { info, expiresAt: this.options.clock.now() + ttl });
    return info;
  }
}
