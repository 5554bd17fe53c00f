import { createSignal, For, Show } from 'solid-js';
import { request } from '../api/api.js';
import { describeFailure } from '../api/api-failure.js';
import { appendBlackouts } from '../view/campaign-form.js';
import type { EditorSectionProps } from './editor-props.js';
import { FieldErrors, fieldId, TextField } from './field.js';

/** The preset `GET /api/blackout-presets` serves for US federal holidays. */
const US_FEDERAL = 'us-federal';

/** How a row is named to a screen reader: its place and, once typed, its day(s). */
const rowLabel = (index: number, from: string, to: string) =>
  `blackout ${index + 1}${from === '' ? '' : ` (${from}${to === '' || to === from ? '' : ` to ${to}`})`}`;

/**
 * The campaign's blackout dates: calendar days with no calling, each a day or a range
 * with an optional name, and the US federal holidays to add from the server's preset.
 * The list's own problems (a range that ends before it starts) come back from the API
 * on the list; an entry's field problems at that entry's inputs.
 */
export function BlackoutFields(props: EditorSectionProps) {
  const [note, setNote] = createSignal('');
  const [loading, setLoading] = createSignal(false);
  let list: HTMLTableSectionElement | undefined;

  function addRow() {
    props.set('blackoutDates', (rows) => [...rows, { from: '', to: '', name: '' }]);
    // The new row's first input, so that the keyboard carries on where the row appeared.
    const added = props.form.blackoutDates.length - 1;
    queueMicrotask(() => document.getElementById(fieldId(`blackoutDates.${added}.from`))?.focus());
  }

  function removeRow(index: number) {
    props.set('blackoutDates', (rows) => rows.filter((_, i) => i !== index));
    setNote(`Removed blackout ${index + 1}.`);
    // The focused button is gone: the next row's (or the last one's) remove button, else
    // the add button, keeps the keyboard in the list.
    queueMicrotask(() => {
      const buttons = list?.querySelectorAll<HTMLButtonElement>('button');
      const next = buttons?.[Math.min(index, buttons.length - 1)];
      (next ?? document.getElementById('blackout-add'))?.focus();
    });
  }

  async function addPreset() {
    setLoading(true);
    setNote('Loading the US federal holidays…');
    try {
      const presets = await request('$get', '/blackout-presets', { query: {} });
      const preset = presets.find((p) => p.id === US_FEDERAL);
      if (preset === undefined) {
        setNote('The server has no US federal holiday preset.');
        return;
      }
      const { rows, added } = appendBlackouts(props.form.blackoutDates, preset.blackoutDates);
      props.set('blackoutDates', rows);
      setNote(
        added === 0
          ? `Every day of ${preset.name} is already listed.`
          : `Added ${added} ${added === 1 ? 'day' : 'days'} of ${preset.name}.`,
      );
    } catch (error) {
      setNote(`Could not load the holidays: ${describeFailure(error)}`);
    } finally {
      setLoading(false);
    }
  }

  return (
    <fieldset aria-describedby={`${fieldId('blackoutDates')} blackout-help`}>
      <legend>Blackout dates</legend>
      <p class="help" id="blackout-help">
        Days with no calling (holidays), from midnight to midnight where each lead is called; the
        server's own blackout dates apply too. Leave “To” empty for a single day.
      </p>
      <FieldErrors id={fieldId('blackoutDates')} messages={props.errors('blackoutDates')} />
      <Show when={props.form.blackoutDates.length > 0}>
        <table class="blackout-table">
          <caption class="visually-hidden">Blackout dates</caption>
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Name (optional)</th>
              <th scope="col">
                <span class="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody ref={list}>
            <For each={props.form.blackoutDates}>
              {(row, index) => {
                const label = () => rowLabel(index(), row.from, row.to);
                // One cell's input, tied to the row's part and to the API's path for it;
                // getters, so that the label, value and messages follow the store.
                const cell = (part: 'from' | 'to' | 'name', title: string) => ({
                  get name() {
                    return `blackoutDates.${index()}.${part}`;
                  },
                  get label() {
                    return `${title}, ${label()}`;
                  },
                  hideLabel: true,
                  get value() {
                    return row[part];
                  },
                  onValue: (v: string) => props.set('blackoutDates', index(), part, v),
                  get errors() {
                    // An issue about the entry as a whole is shown with its first day.
                    const whole = part === 'from' ? props.errors(`blackoutDates.${index()}`) : [];
                    return [
                      ...(whole ?? []),
                      ...(props.errors(`blackoutDates.${index()}.${part}`) ?? []),
                    ];
                  },
                });
                return (
                  <tr>
                    <td>
                      <TextField type="date" {...cell('from', 'From')} />
                    </td>
                    <td>
                      <TextField
                        type="date"
                        min={row.from === '' ? undefined : row.from}
                        {...cell('to', 'To')}
                      />
                    </td>
                    <td>
                      <TextField class="blackout-name" maxLength={120} {...cell('name', 'Name')} />
                    </td>
                    <td>
                      <button
                        type="button"
                        class="small"
                        aria-label={`Remove ${label()}`}
                        onClick={() => removeRow(index())}
                      >
                        Remove
                      </button>
                    </td>
                  </tr>
                );
              }}
            </For>
          </tbody>
        </table>
      </Show>
      <div class="field-row">
        <button type="button" id="blackout-add" onClick={addRow}>
          Add a blackout day
        </button>
        <button type="button" disabled={loading()} onClick={() => void addPreset()}>
          Add US federal holidays
        </button>
      </div>
      <p class="help" role="status">
        {note()}
      </p>
    </fieldset>
  );
}
