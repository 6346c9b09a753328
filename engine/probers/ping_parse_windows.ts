// Windows `ping.exe` output, parsed by structure rather than by words. ping.exe prints in the
// user's language and in the console's OEM code page (which we decode as UTF-8, so letters may
// arrive as U+FFFD): what survives every locale is the address, the ASCII `:` after it, the
// `=`/`<` fields with their numbers and the literal `TTL=`. So a line is
//   [words] ADDRESS [words]: REST
// and REST decides: numeric fields = echo reply (the last field that is not TTL= is the time);
// no fields and the word "TTL" = TTL expired in transit (English, French, Spanish, Italian,
// Portuguese, Russian, Japanese and Chinese messages all contain it); anything else = an
// unreachable report, named from a few known phrasings. Header and statistics lines also carry
// the address but nothing after their final colon, or a second address before it.
import { isIpv4, isIpv6 } from "../options.ts";
import type { PingOutcome } from "./ping_parse.ts";

const isIP = (text: string) => isIpv4(text) || isIpv6(text);

/** A token's address ("[10.0.0.1]に", "::1:", "fe80::1%12:") and whether it ends in ":". */
function addressOf(token: string): { ip: string; colon: boolean } | null {
  const match = /^\[?([0-9A-Fa-f:.]+)(%[\w.]+)?\]?([:：]?)/.exec(token);
  if (!match) return null;
  let ip = match[1];
  let colon = match[3] !== "" || token.endsWith(":") || token.endsWith("：");
  if (!isIP(ip) && ip.endsWith(":") && isIP(ip.slice(0, -1))) {
    ip = ip.slice(0, -1);
    colon = true;
  }
  return isIP(ip) ? { ip, colon } : null;
}

/** The reporting address and the text after the colon that follows it, or null. */
function splitReplyLine(line: string): { ip: string; rest: string } | null {
  const tokens = line.trim().split(/\s+/);
  const at = tokens.findIndex((token) => addressOf(token) !== null);
  if (at < 0) return null;
  const address = addressOf(tokens[at])!;
  let separator = address.colon ? at : -1;
  for (let i = at + 1; separator < 0 && i < tokens.length; i++) {
    if (addressOf(tokens[i]) !== null) return null; // "Pinging A from B with …:" headers
    if (/[:：]$/.test(tokens[i])) separator = i;
  }
  if (separator < 0) return null;
  const rest = tokens.slice(separator + 1).join(" ").trim();
  return rest === "" ? null : { ip: address.ip, rest };
}

/** Known unreachable phrasings (recorded ones first); unknown wording is plain "unreachable". */
const UNREACHABLE_CODES: [RegExp, string][] = [
  [/destination host unreachable/i, "host-unreachable"],
  [/destination net unreachable/i, "net-unreachable"],
  [/destination port unreachable/i, "port-unreachable"],
  [/destination protocol unreachable/i, "protocol-unreachable"],
  [/无法访问目标主机|無法連線到目的地主機/, "host-unreachable"],
  [/zielhost nicht erreichbar/i, "host-unreachable"],
  [/zielnetz nicht erreichbar/i, "net-unreachable"],
];

/** Windows keeps only whole milliseconds; "<1ms" is recorded as half a millisecond. */
function rttUsOf(rest: string): number | null {
  const fields = [...rest.replace(/\bTTL\s*=\s*\d+/gi, "").matchAll(/([=<])\s*(\d+)/g)];
  const time = fields.at(-1);
  if (!time) return null;
  const ms = Number(time[2]);
  return Math.round((time[1] === "<" ? ms - 0.5 : ms) * 1000);
}

/** One line of ping.exe output: a decisive outcome, or null for headers, statistics, blanks. */
export function parseWindowsPingLine(line: string): PingOutcome | null {
  const reply = splitReplyLine(line);
  if (reply) {
    const rttUs = rttUsOf(reply.rest);
    if (rttUs !== null) return { kind: "reply", ip: reply.ip, rttUs };
    if (/\bTTL\b/i.test(reply.rest) || /Gültigkeitsdauer/i.test(reply.rest)) {
      return { kind: "ttlExceeded", ip: reply.ip };
    }
    const known = UNREACHABLE_CODES.find(([pattern]) => pattern.test(reply.rest));
    return { kind: "unreachable", ip: reply.ip, code: known?.[1] ?? "unreachable" };
  }
  const text = line.trim();
  // "PING: transmit failed. General failure." (the "PING:" prefix is not translated): the probe
  // never left this machine — no route, adapter down — which iputils reports as "Network is
  // unreachable"; counted the same way, as a local unreachable.
  if (/^PING:/.test(text)) return { kind: "unreachable", ip: null, code: "transmit-failed" };
  return null;
}
