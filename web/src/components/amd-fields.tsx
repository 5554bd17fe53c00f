import { createResource, For } from 'solid-js';
import { loadServerMeta } from '../api/server-meta.js';
import { AMD_FIELDS } from '../view/amd-help.js';
import type { EditorSectionProps } from './editor-props.js';
import { FieldErrors, fieldId, NumberField } from './field.js';

/** The nine AMD() arguments with what each does, and what a NOTSURE verdict counts as. */
export function AmdFields(props: EditorSectionProps) {
  const { set } = props;
  // The editor has read them already (a new campaign starts from them): no wait here.
  const [meta] = createResource(loadServerMeta);
  const defaults = () => meta()?.campaignDefaults.amd;
  const resetDefaults = () => {
    const amd = defaults();
    if (amd === undefined) return;
    for (const field of AMD_FIELDS) set('amd', field.name, String(amd[field.name]));
    set('notSureAs', amd.notSureAs);
  };
  return (
    <details class="advanced" open={(props.errors('amd')?.length ?? 0) > 0 || undefined}>
      <summary>Answering-machine detection (advanced)</summary>
      <fieldset aria-describedby={fieldId('amd')}>
        <legend class="visually-hidden">AMD parameters</legend>
        <FieldErrors id={fieldId('amd')} messages={props.errors('amd')} />
        <p class="help">
          Asterisk's AMD() listens to the first seconds after the answer. These are its nine
          arguments, in order; the defaults suit most lines.
        </p>
        <div class="amd-grid">
          <For each={AMD_FIELDS}>
            {(field) => (
              <NumberField
                name={`amd.${field.name}`}
                label={field.label}
                unit={field.unit}
                value={props.form.amd[field.name]}
                onValue={(v) => set('amd', field.name, v)}
                errors={props.errors(`amd.${field.name}`)}
                help={`${field.help}${defaults() === undefined ? '' : ` Default ${defaults()?.[field.name]}.`}`}
              />
            )}
          </For>
        </div>
        <fieldset class="radio-row">
          <legend>When AMD is not sure (NOTSURE)</legend>
          <label class="checkbox">
            <input
              type="radio"
              name="amd.notSureAs"
              checked={props.form.notSureAs === 'machine'}
              onChange={() => set('notSureAs', 'machine')}
            />
            treat as a machine (voicemail or hang up)
          </label>
          <label class="checkbox">
            <input
              type="radio"
              name="amd.notSureAs"
              checked={props.form.notSureAs === 'human'}
              onChange={() => set('notSureAs', 'human')}
            />
            treat as a human (consent and hand-off)
          </label>
        </fieldset>
        <button type="button" onClick={resetDefaults}>
          Reset AMD to defaults
        </button>
      </fieldset>
    </details>
  );
}
