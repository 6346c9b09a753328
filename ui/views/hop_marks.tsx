// Small per-hop marks shown beside a hop's address: the router's unreachable kind (!N, !H, !P, !A,
// ! unknown), as traceroute prints it.
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
  if (!mark) return null;
  return (
    <span class="unreachable-mark" title={`The router answered: ${KIND[mark]}; the path ends here`}>
      {" "}
      {mark}
    </span>
  );
}
