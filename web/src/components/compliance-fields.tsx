import type { RecordingChoice } from './call-flow-fields.js';
import { bindText, type EditorSectionProps } from './editor-props.js';
import { FieldErrors, fieldId, NumberField, SelectField, TextField } from './field.js';

/**
 * The campaign's compliance options: the consent prompt's opt-out key, the safe-harbour
 * message, the cap on abandoned calls and the caps on calls to one number. All off (or
 * the server's) until set.
 */
export function ComplianceFields(
  props: EditorSectionProps & { recordings: readonly RecordingChoice[] },
) {
  const bind = (key: Parameters<typeof bindText>[1], name: string) => bindText(props, key, name);
  const options = () => [
    { value: '', label: '— none —' },
    ...props.recordings.map((r) => ({ value: r.id, label: r.name })),
  ];
  return (
    <fieldset aria-describedby={fieldId('compliance')}>
      <legend>Compliance</legend>
      <FieldErrors id={fieldId('compliance')} messages={props.errors('compliance')} />
      <div class="field-row">
        <TextField
          label="Opt-out key at the consent prompt"
          help="One key meaning “never call me” (e.g. 9): the number goes on the do-not-call list. Empty: none."
          {...bind('optOutDigit', 'optOutDigit')}
        />
        <SelectField
          name="optOutRecordingId"
          label="Opt-out confirmation"
          value={props.form.optOutRecordingId}
          options={options()}
          onValue={(v) => props.set('optOutRecordingId', v)}
          errors={props.errors('optOutRecordingId')}
        />
      </div>
      <div class="field-row">
        <SelectField
          name="safeHarbourRecordingId"
          label="Safe-harbour message"
          help="Names the caller and a call-back number; played when the hand-off fails, before hanging up."
          value={props.form.safeHarbourRecordingId}
          options={options()}
          onValue={(v) => props.set('safeHarbourRecordingId', v)}
          errors={props.errors('safeHarbourRecordingId')}
        />
        <NumberField
          label="Abandoned-call cap"
          unit="%"
          help="Over 30 days and 24 hours (3 for the US TSR and Ofcom): near it one call at a time, over it the campaign pauses. Empty: no cap."
          {...bind('abandonCapPercent', 'abandonCapPercent')}
        />
      </div>
      <fieldset aria-describedby={`${fieldId('frequencyCaps')} frequency-caps-help`}>
        <legend>Calls to one number</legend>
        <p class="help" id="frequency-caps-help">
          Most attempts to the same number, counted across every campaign. Empty: the server's
          limit. A number here only applies when it is stricter than the server's (0 is the server's
          too); a capped lead waits.
        </p>
        <FieldErrors id={fieldId('frequencyCaps')} messages={props.errors('frequencyCaps')} />
        <div class="field-row">
          <NumberField
            label="In any 24 hours"
            unit="calls"
            {...bind('capPer24h', 'frequencyCaps.per24h')}
          />
          <NumberField
            label="In any 7 days"
            unit="calls"
            {...bind('capPer7d', 'frequencyCaps.per7d')}
          />
          <NumberField
            label="In any 30 days"
            unit="calls"
            {...bind('capPer30d', 'frequencyCaps.per30d')}
          />
        </div>
      </fieldset>
    </fieldset>
  );
}
