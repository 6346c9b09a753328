// The host check the server applies, run in the browser first for an immediate message.
const HOSTNAME =
  /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\.?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The same rule the server applies: an IP literal or an RFC 1123 name, nothing else. */
export function hostProblem(host: string): string | null {
  if (!host) return "Enter a host name or IP address.";
  if (/\s/.test(host)) return "A host cannot contain spaces.";
  if (host.startsWith("-")) return "A host cannot start with '-'.";
  if (IPV4.test(host) || (host.includes(":") && /^[0-9a-fA-F:.]+$/.test(host))) return null;
  if (/^[\d.]+$/.test(host)) return "That is not a valid IPv4 address.";
  return HOSTNAME.test(host)
    ? null
    : "Use an IP address or a host name (letters, digits, '-', '.').";
}
