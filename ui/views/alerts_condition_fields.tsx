// The condition and trigger sections of the alert rule form: which hop, which metric against
// which threshold (and recovery threshold), and when a condition that holds becomes an alert.
import {
  type FieldErrors,
  type HopKind,
  isNumeric,
  type RuleDraft,
  type TriggerKind,
} from "../model/alerts_draft.ts";
import { METRICS, OPERATORS } from "../model/alerts_types.ts";
import { Check, FieldError, SelectField, TextField } from "./alerts_fields.tsx";

export interface SectionProps {
  draft: RuleDraft;
  errors: FieldErrors;
  set: (patch: Partial<RuleDraft>) => void;
}

const HOP_KINDS: { id: HopKind; label: string }[] = [
  { id: "final", label: "Final hop (destination)" },
  { id: "any", label: "Any hop" },
  { id: "hop", label: "Hop number" },
  { id: "address", label: "Hop with address" },
];
const TRIGGERS: { id: TriggerKind; label: string }[] = [
  { id: "consecutive", label: "N samples in a row" },
  { id: "xOf", label: "X of the last Y samples" },
  { id: "forMs", label: "Held for a time" },
];
const OPERATOR_CHOICES = OPERATORS.map((o) => ({ id: o, label: o }));

export function ConditionFields(props: SectionProps) {
  const d = props.draft;
  const e = props.errors;
  const numeric = isNumeric(d.metric);
  return (
    <fieldset class="alert-fieldset">
      <legend>Condition</legend>
      <div class="alert-row">
        <SelectField
          label="Hop"
          path="hop"
          name="hopKind"
          value={d.hopKind}
          options={HOP_KINDS}
          errors={e}
          onChange={(hopKind) => props.set({ hopKind })}
        />
        {d.hopKind === "hop" && (
          <TextField
            label="Hop number (TTL)"
            path="hop.hop"
            name="hopNumber"
            type="number"
            min={1}
            value={d.hopNumber}
            errors={e}
            onInput={(hopNumber) => props.set({ hopNumber })}
          />
        )}
        {d.hopKind === "address" && (
          <TextField
            label="Hop address"
            path="hop.address"
            name="hopAddress"
            value={d.hopAddress}
            placeholder="10.0.0.1"
            errors={e}
            onInput={(hopAddress) => props.set({ hopAddress })}
          />
        )}
        <SelectField
          label="Metric"
          path="condition.metric"
          name="metric"
          value={d.metric}
          options={METRICS}
          errors={e}
          onChange={(metric) => props.set({ metric })}
        />
        {numeric && (
          <SelectField
            label="Operator"
            path="condition.op"
            name="op"
            value={d.op}
            options={OPERATOR_CHOICES}
            errors={e}
            onChange={(op) => props.set({ op })}
          />
        )}
        {numeric && (
          <TextField
            label="Threshold"
            path="condition.threshold"
            name="threshold"
            type="number"
            step="any"
            value={d.threshold}
            errors={e}
            onInput={(threshold) => props.set({ threshold })}
          />
        )}
        {numeric && (
          <TextField
            label="Recovery threshold"
            path="condition.recoverThreshold"
            name="recoverThreshold"
            type="number"
            step="any"
            value={d.recoverThreshold}
            placeholder="same"
            hint="clears only past this value"
            errors={e}
            onInput={(recoverThreshold) => props.set({ recoverThreshold })}
          />
        )}
        {d.metric === "addressInRoute" && (
          <TextField
            label="Address in the route"
            path="condition.address"
            name="address"
            value={d.address}
            placeholder="10.0.0.1"
            errors={e}
            onInput={(address) => props.set({ address })}
          />
        )}
        {numeric && (
          <TextField
            label="Over the last (samples)"
            path="focusSamples"
            type="number"
            min={1}
            value={d.focusSamples}
            hint="loss, avg, jitter and MOS window"
            errors={e}
            onInput={(focusSamples) => props.set({ focusSamples })}
          />
        )}
      </div>
      <FieldError errors={e} path="condition" exact />
    </fieldset>
  );
}

export function TriggerFields(props: SectionProps) {
  const d = props.draft;
  const e = props.errors;
  const int = { type: "number" as const, min: 1, errors: e };
  return (
    <fieldset class="alert-fieldset">
      <legend>Trigger and recovery</legend>
      <div class="alert-row">
        <SelectField
          label="Fires when the condition holds"
          path="trigger"
          name="triggerKind"
          value={d.triggerKind}
          options={TRIGGERS}
          errors={e}
          onChange={(triggerKind) => props.set({ triggerKind })}
        />
        {d.triggerKind === "consecutive" && (
          <TextField
            {...int}
            label="N (samples in a row)"
            path="trigger.consecutive"
            name="consecutive"
            value={d.consecutive}
            onInput={(consecutive) => props.set({ consecutive })}
          />
        )}
        {d.triggerKind === "xOf" && (
          <TextField
            {...int}
            label="X (bad samples)"
            path="trigger.xOf"
            name="xOf"
            value={d.xOf}
            onInput={(xOf) => props.set({ xOf })}
          />
        )}
        {d.triggerKind === "xOf" && (
          <TextField
            {...int}
            label="Y (of the last)"
            path="trigger.last"
            name="last"
            value={d.last}
            onInput={(last) => props.set({ last })}
          />
        )}
        {d.triggerKind === "forMs" && (
          <TextField
            {...int}
            min={0}
            label="For (seconds)"
            path="trigger.forMs"
            name="forS"
            value={d.forS}
            onInput={(forS) => props.set({ forS })}
          />
        )}
        <TextField
          {...int}
          label="Recovers after (clear samples)"
          path="recoverAfterSamples"
          value={d.recoverAfterSamples}
          onInput={(recoverAfterSamples) => props.set({ recoverAfterSamples })}
        />
      </div>
      <div class="alert-row">
        <Check
          label="Remind while it holds"
          name="remind"
          checked={d.remind}
          onChange={(remind) => props.set({ remind })}
        />
        {d.remind && (
          <TextField
            label="Every (minutes)"
            path="repeatIntervalMs"
            name="repeatMin"
            type="number"
            min={0.1}
            step="any"
            value={d.repeatMin}
            errors={e}
            onInput={(repeatMin) => props.set({ repeatMin })}
          />
        )}
        <TextField
          label="Evidence window (minutes)"
          path="evidenceWindowMs"
          name="evidenceMin"
          type="number"
          min={0.1}
          step="any"
          value={d.evidenceMin}
          hint="hop table, timeline and CSV attached"
          errors={e}
          onInput={(evidenceMin) => props.set({ evidenceMin })}
        />
      </div>
    </fieldset>
  );
}
