import { type JSX, Show } from 'solid-js';

/** A failure to show in place (announced as an alert), or nothing when there is none. */
export function ErrorBox(props: { message: string | null | undefined; children?: JSX.Element }) {
  return (
    <Show when={props.message}>
      {(message) => (
        <p class="error-box" role="alert">
          {message()} {props.children}
        </p>
      )}
    </Show>
  );
}
