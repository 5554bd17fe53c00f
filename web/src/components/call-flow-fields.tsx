import { createResource, For, Show } from 'solid-js';
import { loadServerMeta } from '../api/server-meta.js';
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
  const [meta] = createResource(() => loadServerMeta().catch(() => null));
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
          <label class="checkbox">
            <input
              type="radio"
              name="aiKind"
              value="aava"
              checked={props.form.aiKind === 'aava'}
              onChange={() => set('aiKind', 'aava')}
            />
            Asterisk AI Voice Agent (AAVA)
          </label>
        </div>
        <Show when={props.form.aiKind === 'aava'}>
          <div class="field-row">
            <TextField label="AAVA app name" {...bind('aavaApp', 'aiTarget.app')} />
            <TextField label="Agent (AI_AGENT)" {...bind('aavaAgent', 'aiTarget.agent')} />
            <TextField
              label="Provider (AI_PROVIDER)"
              {...bind('aavaProvider', 'aiTarget.provider')}
            />
            <TextField
              label="Audio profile (AI_AUDIO_PROFILE)"
              {...bind('aavaAudioProfile', 'aiTarget.audioProfile')}
            />
          </div>
          <p class="help">
            Hands the call to AAVA through the hand-off context (see Setup). AAVA only takes calls
            on a trunk channel: set a direct-trunk dial string below, e.g. PJSIP/{'{e164digits}'}
            @my-trunk.
          </p>
        </Show>
        <Show when={props.form.aiKind !== 'aava'}>
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
        </Show>
        <div class="field-row">
          <TextField label="Dial string" {...bind('dialString', 'dialString')} />
          <TextField label="PBXs (names, comma-separated; empty = all)" {...bind('pbxs', 'pbxs')} />
        </div>
        <p class="help">
          How a lead's number is dialed, e.g. Local/{'{number}'}@from-internal (FreePBX's outbound
          routes) or PJSIP/{'{e164digits}'}@my-trunk (straight to a trunk). Empty: the server's
          default.
        </p>
        <Show when={meta()?.dialPlaceholders}>
          {(placeholders) => (
            <dl class="help placeholders" aria-label="Number forms">
              <For each={placeholders()}>
                {(p) => (
                  <>
                    <dt class="mono">{`{${p.name}}`}</dt>
                    <dd>{p.meaning}</dd>
                  </>
                )}
              </For>
            </dl>
          )}
        </Show>
      </fieldset>

      <RecordingStep
        {...props}
        group="consent"
        legend="Consent"
        enabled="consentEnabled"
        enabledLabel="Ask for consent before the hand-off (press 1 to talk, 2 to refuse)"
        recording="consentRecordingId"
        recordingLabel="Consent prompt"
        wait={['consentTimeoutSec', 'consent.timeoutSec', 'Wait for a key']}
      />
      <RecordingStep
        {...props}
        group="voicemail"
        legend="Voicemail"
        enabled="voicemailEnabled"
        enabledLabel="Leave a message when a machine answers"
        recording="voicemailRecordingId"
        recordingLabel="Message"
        wait={[
          'voicemailGreetingMaxWaitSec',
          'voicemail.greetingMaxWaitSec',
          'Longest wait for the greeting to end',
        ]}
      />
    </>
  );
}

/** A step that plays a recording (the consent question, the voicemail message). */
function RecordingStep(
  props: EditorSectionProps & {
    recordings: readonly RecordingChoice[];
    group: 'consent' | 'voicemail';
    legend: string;
    enabled: 'consentEnabled' | 'voicemailEnabled';
    enabledLabel: string;
    recording: 'consentRecordingId' | 'voicemailRecordingId';
    recordingLabel: string;
    /** The form key, API path and label of how long the step waits (s). */
    wait: [Parameters<typeof bindText>[1], string, string];
  },
) {
  const options = () => [
    { value: '', label: '— none —' },
    ...props.recordings.map((r) => ({ value: r.id, label: r.name })),
  ];
  return (
    <fieldset aria-describedby={fieldId(props.group)}>
      <legend>{props.legend}</legend>
      <FieldErrors id={fieldId(props.group)} messages={props.errors(props.group)} />
      <CheckboxField
        name={`${props.group}.enabled`}
        label={props.enabledLabel}
        checked={props.form[props.enabled]}
        onChecked={(v) => props.set(props.enabled, v)}
      />
      <div class="field-row">
        <SelectField
          name={`${props.group}.recordingId`}
          label={props.recordingLabel}
          value={props.form[props.recording]}
          options={options()}
          onValue={(v) => props.set(props.recording, v)}
          errors={props.errors(`${props.group}.recordingId`)}
        />
        <NumberField
          label={props.wait[2]}
          unit="s"
          {...bindText(props, props.wait[0], props.wait[1])}
        />
      </div>
    </fieldset>
  );
}
