// Small per-hop marks shown beside a hop's address: the router's unreachable kind (!N, !H, !P, !A,
// ! unknown), as traceroute prints it, and the MPLS labels the router quoted.
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
  return (
    <>
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
