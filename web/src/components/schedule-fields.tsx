import { For } from 'solid-js';
import { bindText, type EditorSectionProps } from './editor-props.js';
import { CheckboxField, FieldErrors, fieldId, NumberField, TextField } from './field.js';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Every IANA zone the browser knows, for the picker's suggestions. */
const ZONES: readonly string[] = (() => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
})();

/** Name, time zone, calling window, dates, pacing and caller id. */
export function ScheduleFields(props: EditorSectionProps) {
  const bind = (key: Parameters<typeof bindText>[1], name: string) => bindText(props, key, name);
  const toggleDay = (day: number, on: boolean) =>
    props.set('days', (days) =>
      on ? [...days.filter((d) => d !== day), day] : days.filter((d) => d !== day),
    );

  return (
    <>
      <fieldset>
        <legend>Campaign</legend>
        <TextField label="Name" {...bind('name', 'name')} required />
        <TextField
          label="Time zone"
          {...bind('timezone', 'timezone')}
          list="timezones"
          help="IANA name, e.g. America/New_York. Leads with their own time zone are called in theirs."
        />
        <datalist id="timezones">
          <For each={ZONES}>{(zone) => <option value={zone} />}</For>
        </datalist>
      </fieldset>

      <fieldset aria-describedby={fieldId('window')}>
        <legend>Calling window (campaign time)</legend>
        <FieldErrors id={fieldId('window')} messages={props.errors('window')} />
        <div class="field-row">
          <TextField label="From" type="time" {...bind('windowStart', 'window.start')} />
          <TextField label="Until" type="time" {...bind('windowEnd', 'window.end')} />
        </div>
        <p class="help">
          An end before the start crosses midnight; start equal to end means all day.
        </p>
        <fieldset class="days" aria-describedby={`${fieldId('window.days')}-errors`}>
          <legend>Days</legend>
          <For each={DAYS}>
            {(label, i) => (
              <label class="checkbox">
                <input
                  type="checkbox"
                  name="window.days"
                  value={i() + 1}
                  checked={props.form.days.includes(i() + 1)}
                  onChange={(e) => toggleDay(i() + 1, e.currentTarget.checked)}
                />
                {label}
              </label>
            )}
          </For>
          <FieldErrors
            id={`${fieldId('window.days')}-errors`}
            messages={props.errors('window.days')}
          />
        </fieldset>
        <div class="field-row">
          <TextField
            label="Not before (optional)"
            type="datetime-local"
            {...bind('startsAt', 'startsAt')}
            help={`Campaign time (${props.form.timezone}).`}
          />
          <TextField
            label="Not after (optional)"
            type="datetime-local"
            {...bind('endsAt', 'endsAt')}
          />
        </div>
      </fieldset>

      <fieldset>
        <legend>Pacing and dialing</legend>
        <div class="field-row">
          <NumberField label="Calls at once" {...bind('maxConcurrent', 'maxConcurrent')} />
          <NumberField
            label="Least time between call starts"
            unit="ms"
            {...bind('minIntervalMs', 'minIntervalMs')}
          />
          <NumberField
            label="Ring timeout"
            unit="s"
            {...bind('ringTimeoutSec', 'ringTimeoutSec')}
          />
        </div>
        <div class="field-row">
          <TextField
            label="Caller id"
            {...bind('callerId', 'callerId')}
            help="Empty: the trunk's default. A lead's own caller id wins."
          />
          <TextField
            label="Default region for numbers"
            {...bind('defaultRegion', 'defaultRegion')}
            help="ISO code used for numbers without a country code, e.g. US or GB."
          />
        </div>
        <CheckboxField
          name="allowExtensions"
          label="Allow internal extensions as numbers"
          checked={props.form.allowExtensions}
          onChecked={(v) => props.set('allowExtensions', v)}
        />
      </fieldset>
    </>
  );
}
