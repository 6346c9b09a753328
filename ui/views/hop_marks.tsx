// Small per-hop marks shown beside a hop's address: the router's unreachable kind (!N, !H, !P, !A,
// ! unknown), as traceroute prints it, the MPLS labels the router quoted, and its AS number when
// the server runs with --as-lookup.
import type { Hop } from "../model/types.ts";

const KIND: Record<string, string> = {
  "!N": "network unreachable",
  "!H": "host unreachable",
  "!P": "protocol unreachable",
  "!A": "administratively prohibited (filtered)",
  "!": "unreachable (kind unknown)",
};

export function HopMarks(props: { hop: Hop }) {
  const mark = props.hop.unreachable;
  const mpls = props.hop.mpls ?? [];
  const as = props.hop.as;
  return (
    <>
      {as && (
        <span class="as-mark" title={`AS${as.asn} announces ${as.prefix}`}>
          {` AS${as.asn}`}
        </span>
      )}
      {mark && (
        <span
          class="unreachable-mark"
          title={`The router answered: ${KIND[mark]}; the path ends here`}
        >
          {" "}
          {mark}
        </span>
      )}
      {mpls.length > 0 && (
        <span
          class="mpls-mark"
          title={mpls.map((l) => `MPLS label ${l.label} TC ${l.tc} S ${l.s ? 1 : 0} TTL ${l.ttl}`)
            .join("\n")}
        >
          {` MPLS ${mpls.map((l) => l.label).join("/")}`}
        </span>
      )}
    </>
  );
}
