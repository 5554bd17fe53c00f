import { Show } from 'solid-js';
import { bindText, type EditorSectionProps } from './editor-props.js';
import {
  CheckboxField,
  FieldErrors,
  fieldId,
  NumberField,
  SelectField,
  TextField,
} from './field.js';

/** A recording the consent or voicemail step can play. */
export interface RecordingChoice {
  id: string;
  name: string;
}

/** Where accepted calls go (AI target), the consent question and the voicemail drop. */
export function CallFlowFields(
  props: EditorSectionProps & { recordings: readonly RecordingChoice[] },
) {
  const { set } = props;
  const bind = (key: Parameters<typeof bindText>[1], name: string) => bindText(props, key, name);
  const recordingOptions = () => [
    { value: '', label: '— none —' },
    ...props.recordings.map((r) => ({ value: r.id, label: r.name })),
  ];
  return (
    <>
      <fieldset aria-describedby={fieldId('aiTarget')}>
        <legend>AI target (where a consenting human goes)</legend>
        <FieldErrors id={fieldId('aiTarget')} messages={props.errors('aiTarget')} />
        <div class="radio-row" role="radiogroup" aria-label="Kind of target">
          <label class="checkbox">
            <input
              type="radio"
              name="aiKind"
              value="dialplan"
              checked={props.form.aiKind === 'dialplan'}
              onChange={() => set('aiKind', 'dialplan')}
            />
            Dialplan location
          </label>
          <label class="checkbox">
            <input
              type="radio"
              name="aiKind"
              value="app"
              checked={props.form.aiKind === 'app'}
              onChange={() => set('aiKind', 'app')}
            />
            ARI application
          </label>
        </div>
        <Show
          when={props.form.aiKind === 'dialplan'}
          fallback={
            <div class="field-row">
              <TextField label="Application" {...bind('aiApp', 'aiTarget.app')} />
              <div class="field">
                <label for={fieldId('aiTarget.args')}>Arguments (one per line)</label>
                <textarea
                  id={fieldId('aiTarget.args')}
                  rows={3}
                  value={props.form.aiArgs}
                  onInput={(e) => set('aiArgs', e.currentTarget.value)}
                />
                <FieldErrors
                  id={`${fieldId('aiTarget.args')}-errors`}
                  messages={props.errors('aiTarget.args')}
                />
              </div>
            </div>
          }
        >
          <div class="field-row">
            <TextField label="Context" {...bind('aiDialplanContext', 'aiTarget.context')} />
            <TextField label="Extension" {...bind('aiExtension', 'aiTarget.extension')} />
            <NumberField label="Priority" {...bind('aiPriority', 'aiTarget.priority')} />
          </div>
        </Show>
        <div class="field-row">
          <TextField label="AI_CONTEXT" {...bind('aiContext', 'aiContext')} />
          <TextField label="AI_PROVIDER" {...bind('aiProvider', 'aiProvider')} />
          <TextField label="AI_AGENT" {...bind('aiAgent', 'aiAgent')} />
        </div>
        <p class="help">Channel variables set before the hand-off; empty ones are not set.</p>
      </fieldset>

      <fieldset aria-describedby={fieldId('consent')}>
        <legend>Consent</legend>
        <FieldErrors id={fieldId('consent')} messages={props.errors('consent')} />
        <CheckboxField
          name="consent.enabled"
          label="Ask for consent before the hand-off (press 1 to talk, 2 to refuse)"
          checked={props.form.consentEnabled}
          onChecked={(v) => set('consentEnabled', v)}
        />
        <div class="field-row">
          <SelectField
            name="consent.recordingId"
            label="Consent prompt"
            value={props.form.consentRecordingId}
            options={recordingOptions()}
            onValue={(v) => set('consentRecordingId', v)}
            errors={props.errors('consent.recordingId')}
          />
          <NumberField
            label="Wait for a key"
            unit="s"
            {...bind('consentTimeoutSec', 'consent.timeoutSec')}
          />
        </div>
      </fieldset>

      <fieldset aria-describedby={fieldId('voicemail')}>
        <legend>Voicemail</legend>
        <FieldErrors id={fieldId('voicemail')} messages={props.errors('voicemail')} />
        <CheckboxField
          name="voicemail.enabled"
          label="Leave a message when a machine answers"
          checked={props.form.voicemailEnabled}
          onChecked={(v) => set('voicemailEnabled', v)}
        />
        <div class="field-row">
          <SelectField
            name="voicemail.recordingId"
            label="Message"
            value={props.form.voicemailRecordingId}
            options={recordingOptions()}
            onValue={(v) => set('voicemailRecordingId', v)}
            errors={props.errors('voicemail.recordingId')}
          />
          <NumberField
            label="Longest wait for the greeting to end"
            unit="s"
            {...bind('voicemailGreetingMaxWaitSec', 'voicemail.greetingMaxWaitSec')}
          />
        </div>
      </fieldset>
    </>
  );
}
