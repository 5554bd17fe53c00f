import { onCleanup } from 'solid-js';

/** How long typing must pause before a search is asked for (ms). */
const PAUSE_MS = 250;

/** A labelled search box that reports its text once typing pauses. */
export function SearchInput(props: {
  label: string;
  placeholder: string;
  onSearch(text: string): void;
}) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  return (
    <label>
      <span class="visually-hidden">{props.label}</span>
      <input
        type="search"
        placeholder={props.placeholder}
        onInput={(e) => {
          const text = e.currentTarget.value;
          clearTimeout(timer);
          timer = setTimeout(() => props.onSearch(text), PAUSE_MS);
        }}
      />
    </label>
  );
}
