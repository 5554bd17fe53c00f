import { Show } from 'solid-js';
import { type Lead, request } from '../api.js';
import { describeFailure } from '../api-failure.js';
import { confirmAction } from '../confirm.js';
import { notify } from '../notices.js';

const FINISHED: ReadonlySet<string> = new Set(['completed', 'failed', 'canceled']);

/**
 * What may be done with one lead in its state: cancel its live call, ignore it while
 * pending, redial or reset it once finished, delete it when no call is live.
 */
export function LeadActions(props: {
  lead: Lead;
  onChanged(lead: Lead): void;
  onDeleted(id: string): void;
}) {
  const who = () => props.lead.name ?? props.lead.phone;

  async function act(
    label: string,
    call: () => Promise<{ lead: Lead } | undefined>,
    confirm?: { title: string; message: string; danger?: boolean },
  ) {
    if (confirm) {
      const { confirmed } = await confirmAction({ ...confirm, confirmLabel: label });
      if (!confirmed) return;
    }
    try {
      const result = await call();
      if (result === undefined) props.onDeleted(props.lead.id);
      else props.onChanged(result.lead);
      notify(`${label}: ${who()}`);
    } catch (error) {
      notify(`${label} ${who()} failed: ${describeFailure(error)}`, 'error');
    }
  }

  const id = () => ({ param: { id: props.lead.id } });
  return (
    <span class="row-actions">
      <Show when={props.lead.state === 'dialing'}>
        <button
          type="button"
          class="small danger-outline"
          aria-label={`Cancel the live call to ${who()}`}
          onClick={() =>
            void act('Cancel call', () => request('$post', '/leads/:id/cancel', id()), {
              title: `Hang up on ${who()}?`,
              message: 'The live call is hung up and the lead is not dialed again.',
              danger: true,
            })
          }
        >
          Cancel call
        </button>
      </Show>
      <Show when={props.lead.state === 'pending'}>
        <button
          type="button"
          class="small"
          aria-label={`Ignore ${who()}`}
          onClick={() => void act('Ignore', () => request('$post', '/leads/:id/ignore', id()))}
        >
          Ignore
        </button>
      </Show>
      <Show when={FINISHED.has(props.lead.state)}>
        <button
          type="button"
          class="small"
          aria-label={`Redial ${who()}`}
          onClick={() =>
            void act('Redial', () =>
              request('$post', '/leads/:id/recycle', { ...id(), json: { mode: 'redial' } }),
            )
          }
        >
          Redial
        </button>
        <button
          type="button"
          class="small"
          aria-label={`Reset ${who()}`}
          onClick={() =>
            void act(
              'Reset',
              () => request('$post', '/leads/:id/recycle', { ...id(), json: { mode: 'reset' } }),
              {
                title: `Reset ${who()}?`,
                message: 'Its call history is deleted and it is dialed again as if new.',
                danger: true,
              },
            )
          }
        >
          Reset
        </button>
      </Show>
      <Show when={props.lead.state !== 'dialing'}>
        <button
          type="button"
          class="small danger-outline"
          aria-label={`Delete ${who()}`}
          onClick={() =>
            void act(
              'Delete',
              async () => {
                await request('$delete', '/leads/:id', id());
                return undefined;
              },
              {
                title: `Delete ${who()}?`,
                message: 'The lead and its call history are deleted. This cannot be undone.',
                danger: true,
              },
            )
          }
        >
          Delete
        </button>
      </Show>
    </span>
  );
}
