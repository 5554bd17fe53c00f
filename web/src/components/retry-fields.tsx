import { For } from 'solid-js';
import { RETRYABLE_OUTCOMES } from '../view/campaign-form.js';
import { outcomeLabel } from '../view/labels.js';
import type { EditorSectionProps } from './editor-props.js';
import { FieldErrors, fieldId, NumberField } from './field.js';

/** How many attempts a lead gets, and which outcomes come back after how long. */
export function RetryFields(props: EditorSectionProps) {
  const { set } = props;
  return (
    <fieldset aria-describedby={fieldId('retry')}>
      <legend>Retries</legend>
      <FieldErrors id={fieldId('retry')} messages={props.errors('retry')} />
      <NumberField
        name="retry.maxAttempts"
        label="Attempts per lead, the first one included"
        value={props.form.maxAttempts}
        onValue={(v) => set('maxAttempts', v)}
        errors={props.errors('retry.maxAttempts')}
      />
      <FieldErrors
        id={fieldId('retry.retryAfterMinutes')}
        messages={props.errors('retry.retryAfterMinutes')}
      />
      <table class="retry-table">
        <caption>Retry after these outcomes</caption>
        <thead>
          <tr>
            <th scope="col">Outcome</th>
            <th scope="col">Retry</th>
            <th scope="col">After (minutes)</th>
          </tr>
        </thead>
        <tbody>
          <For each={RETRYABLE_OUTCOMES}>
            {(outcome) => {
              const entry = () => props.form.retry[outcome] ?? { on: false, minutes: '' };
              return (
                <tr>
                  <th scope="row">{outcomeLabel(outcome)}</th>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Retry after ${outcomeLabel(outcome)}`}
                      checked={entry().on}
                      onChange={(e) =>
                        set('retry', outcome, { ...entry(), on: e.currentTarget.checked })
                      }
                    />
                  </td>
                  <td>
                    <NumberField
                      name={`retry.retryAfterMinutes.${outcome}`}
                      label={`Minutes before retrying after ${outcomeLabel(outcome)}`}
                      hideLabel
                      disabled={!entry().on}
                      value={entry().minutes}
                      onValue={(v) => set('retry', outcome, { ...entry(), minutes: v })}
                      errors={props.errors(`retry.retryAfterMinutes.${outcome}`)}
                    />
                  </td>
                </tr>
              );
            }}
          </For>
        </tbody>
      </table>
      <p class="help">
        A person reached (handed off, voicemail left, consent refused) is never called again.
      </p>
    </fieldset>
  );
}
