import { createSignal, onMount, Show } from 'solid-js';

let forms = 0;

/**
 * An inline rename: a labelled text box with Save and Cancel in place of a name. An empty
 * name is refused with a message under the box (and so is whatever `onSave` refuses);
 * Escape cancels. The caller puts focus back where the rename started once it is over.
 */
export function RenameForm(props: {
  /** The name as it is, and the box's first value. */
  name: string;
  /** The box's label: `New name for Welcome prompt`. */
  label: string;
  /** Saves the name; resolves to an error message to show, or null when it was saved. */
  onSave(name: string): Promise<string | null>;
  onCancel(): void;
}) {
  const id = `rename-${++forms}`;
  const [value, setValue] = createSignal(props.name);
  const [error, setError] = createSignal<string | null>(null);
  const [saving, setSaving] = createSignal(false);
  let input: HTMLInputElement | undefined;
  onMount(() => input?.select());

  async function save(event: SubmitEvent) {
    event.preventDefault();
    const name = value().trim();
    if (name === '') {
      setError('Give it a name.');
      input?.focus();
      return;
    }
    if (name === props.name) return props.onCancel();
    setSaving(true);
    const refused = await props.onSave(name);
    setSaving(false);
    if (refused !== null) {
      setError(refused);
      input?.focus();
    }
  }

  return (
    <form
      class="rename-form"
      onSubmit={(e) => void save(e)}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        props.onCancel();
      }}
    >
      <label for={id} class="rename-label">
        {props.label}
      </label>
      <input
        ref={input}
        id={id}
        type="text"
        value={value()}
        aria-invalid={error() !== null}
        aria-describedby={error() === null ? undefined : `${id}-error`}
        onInput={(e) => {
          setValue(e.currentTarget.value);
          setError(null);
        }}
      />
      <button type="submit" class="small primary" disabled={saving()}>
        Save
      </button>
      <button type="button" class="small" onClick={() => props.onCancel()}>
        Cancel
      </button>
      <Show when={error()}>
        {(message) => (
          <p id={`${id}-error`} class="rename-error" role="alert">
            {message()}
          </p>
        )}
      </Show>
    </form>
  );
}
