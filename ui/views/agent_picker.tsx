// Which agent's (vantage point's) measurements the target page shows, when several agents write
// into the server's database. "Default" is the server's own measurements, else the agent that
// wrote most recently.
export interface AgentPickerProps {
  agents: { name: string; lastSeen: number }[];
  /** The agent this server probes as. */
  self: string | null;
  selected: string | null;
  onSelect: (name: string | null) => void;
}

export function AgentPicker(props: AgentPickerProps) {
  return (
    <label class="agent-picker">
      <span class="toolbar-label">Agent</span>
      <select
        data-testid="agent-select"
        value={props.selected ?? ""}
        onChange={(e) => {
          const value = (e.currentTarget as HTMLSelectElement).value;
          props.onSelect(value === "" ? null : value);
        }}
      >
        <option value="">default{props.self ? ` (${props.self})` : ""}</option>
        {props.agents.map((agent) => (
          <option key={agent.name} value={agent.name}>
            {agent.name}
            {agent.name === props.self ? " (this server)" : ""}
          </option>
        ))}
      </select>
    </label>
  );
}
