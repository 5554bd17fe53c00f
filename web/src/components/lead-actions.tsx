import { For } from 'solid-js';
import type { Lead } from '../api/api.js';
import { leadOperations } from '../view/lead-operations.js';

/** What may be done with one lead now, as a row of buttons (the lead's own page). */
export function LeadActions(props: {
  lead: Lead;
  onChanged(lead: Lead): void;
  onDeleted(id: string): void;
}) {
  return (
    <span class="row-actions">
      <For each={leadOperations(props.lead, props)}>
        {(operation) => (
          <button
            type="button"
            class={operation.danger ? 'small danger-outline' : 'small'}
            aria-label={operation.name}
            onClick={() => void operation.run()}
          >
            {operation.label}
          </button>
        )}
      </For>
    </span>
  );
}
