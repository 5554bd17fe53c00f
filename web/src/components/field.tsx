import { For, type JSX, Show, splitProps } from 'solid-js';

/** The id of a field's input, from its key (`window.start` → `field-window-start`). */
export const fieldId = (key: string) => `field-${key.replaceAll('.', '-')}`;

/** Messages under a field or group, announced when they appear. */
export function FieldErrors(props: { id: string; messages: readonly string[] | undefined }) {
  return (
    <Show when={(props.messages?.length ?? 0) > 0}>
      <ul class="field-errors" id={props.id} role="alert">
        <For each={props.messages}>{(message) => <li>{message}</li>}</For>
      </ul>
    </Show>
  );
}

/**
 * A labelled text input with optional help and its validation messages, linked for
 * screen readers (aria-describedby, aria-invalid).
 */
export function TextField(
  props: {
    name: string;
    label: string;
    value: string;
    onValue(value: string): void;
    errors?: readonly string[];
    help?: JSX.Element;
    unit?: string;
    /** The label is still read out, but not shown (a table's column says it). */
    hideLabel?: boolean;
  } & Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'value' | 'name'>,
) {
  const [own, rest] = splitProps(props, [
    'name',
    'label',
    'value',
    'onValue',
    'errors',
    'help',
    'unit',
    'hideLabel',
  ]);
  const id = () => fieldId(own.name);
  const describedBy = () =>
    [own.help ? `${id()}-help` : '', (own.errors?.length ?? 0) > 0 ? `${id()}-errors` : '']
      .filter(Boolean)
      .join(' ') || undefined;
  return (
    <div class={(own.errors?.length ?? 0) > 0 ? 'field invalid' : 'field'}>
      <label for={id()} class={own.hideLabel ? 'visually-hidden' : undefined}>
        {own.label}
      </label>
      <div class="input-row">
        <input
          type="text"
          {...rest}
          id={id()}
          name={own.name}
          value={own.value}
          onInput={(e) => own.onValue(e.currentTarget.value)}
          aria-invalid={(own.errors?.length ?? 0) > 0 ? 'true' : undefined}
          aria-describedby={describedBy()}
        />
        <Show when={own.unit}>
          <span class="unit">{own.unit}</span>
        </Show>
      </div>
      <Show when={own.help}>
        <p class="help" id={`${id()}-help`}>
          {own.help}
        </p>
      </Show>
      <FieldErrors id={`${id()}-errors`} messages={own.errors} />
    </div>
  );
}

/** A number typed as text: what the operator typed is what is sent (see campaign-form.ts). */
export function NumberField(props: Parameters<typeof TextField>[0]) {
  return <TextField inputmode="numeric" autocomplete="off" {...props} />;
}

/** A checkbox with its label. */
export function CheckboxField(props: {
  name: string;
  label: string;
  checked: boolean;
  onChecked(checked: boolean): void;
  help?: string;
}) {
  const id = () => fieldId(props.name);
  return (
    <div class="field">
      <label class="checkbox" for={id()}>
        <input
          type="checkbox"
          id={id()}
          name={props.name}
          checked={props.checked}
          onChange={(e) => props.onChecked(e.currentTarget.checked)}
          aria-describedby={props.help ? `${id()}-help` : undefined}
        />
        {props.label}
      </label>
      <Show when={props.help}>
        <p class="help" id={`${id()}-help`}>
          {props.help}
        </p>
      </Show>
    </div>
  );
}

/** A select with its label and messages. */
export function SelectField(props: {
  name: string;
  label: string;
  value: string;
  options: readonly { value: string; label: string }[];
  onValue(value: string): void;
  errors?: readonly string[];
  help?: string;
}) {
  const id = () => fieldId(props.name);
  return (
    <div class={(props.errors?.length ?? 0) > 0 ? 'field invalid' : 'field'}>
      <label for={id()}>{props.label}</label>
      <select
        id={id()}
        name={props.name}
        onChange={(e) => props.onValue(e.currentTarget.value)}
        aria-invalid={(props.errors?.length ?? 0) > 0 ? 'true' : undefined}
        aria-describedby={
          [props.help ? `${id()}-help` : '', props.errors?.length ? `${id()}-errors` : '']
            .filter(Boolean)
            .join(' ') || undefined
        }
      >
        <For each={props.options}>
          {(option) => (
            <option value={option.value} selected={option.value === props.value}>
              {option.label}
            </option>
          )}
        </For>
      </select>
      <Show when={props.help}>
        <p class="help" id={`${id()}-help`}>
          {props.help}
        </p>
      </Show>
      <FieldErrors id={`${id()}-errors`} messages={props.errors} />
    </div>
  );
}
