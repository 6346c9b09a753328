// Public surface of the probers: the registry (which probers exist, what they can do, choosing
// one for `auto`), the prober classes, and the entry type a new prober implements.
export {
  choiceForProtocol,
  noProberFix,
  PROBER_CHOICES,
  PROBER_NAMES,
  PROBER_PROGRAMS,
  type ProberChoice,
  proberChoiceProblem,
  proberChoiceSchema,
  proberChoicesText,
  proberEntry,
  proberHelp,
  proberLimitation,
  PROBERS,
  protocolProblem,
  selectProber,
} from "./registry.ts";
export type { ProberCapabilities, ProberEntry, ProberSelection, SelectOptions } from "./entry.ts";
export { MtrPacketProber } from "./mtr_packet.ts";
export { PingProber } from "./ping.ts";
export { FakeProber } from "./fake.ts";
export { checkMtrPacket } from "./check.ts";
