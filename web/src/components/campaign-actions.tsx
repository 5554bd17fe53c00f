import { useNavigate } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { type Campaign, request } from '../api/api.js';
import { describeFailure } from '../api/api-failure.js';
import { confirmAction } from '../state/confirm.js';
import { notify } from '../state/notices.js';

type Action = 'start' | 'pause' | 'stop' | 'archive' | 'unarchive';

const LABELS: Record<Action, string> = {
  start: 'Start',
  pause: 'Pause',
  stop: 'Stop',
  archive: 'Archive',
  unarchive: 'Unarchive',
};

/**
 * The buttons for what may be done with a campaign now (its `availableActions`), plus
 * Clone and Delete. Dialing, stopping, archiving and deleting ask first.
 */
export function CampaignActions(props: {
  campaign: Campaign;
  /** The campaign after an action, or a new one (clone). */
  onChanged(campaign: Campaign): void;
  onDeleted(id: string): void;
  compact?: boolean;
}) {
  const navigate = useNavigate();
  const actions = () =>
    props.campaign.availableActions.filter((a): a is Action => a !== 'complete');
  const name = () => `“${props.campaign.name}”`;

  async function run(action: Action) {
    const id = props.campaign.id;
    let cancelPending = false;
    if (action === 'start') {
      const { confirmed } = await confirmAction({
        title: `Start ${name()}?`,
        message:
          'Calls start as soon as the calling window is open and leads are due. Each call runs AMD and, if set, asks for consent.',
        confirmLabel: 'Start dialing',
      });
      if (!confirmed) return;
    } else if (action === 'stop') {
      const answer = await confirmAction({
        title: `Stop ${name()}?`,
        message:
          'No new call starts; calls already live finish. A stopped campaign can be started again.',
        confirmLabel: 'Stop campaign',
        danger: true,
        option: {
          label: 'Also cancel every pending lead (they will never be dialed)',
          checked: false,
        },
      });
      if (!answer.confirmed) return;
      cancelPending = answer.option;
    } else if (action === 'archive') {
      const { confirmed } = await confirmAction({
        title: `Archive ${name()}?`,
        message: 'It leaves the active list and cannot change until it is unarchived.',
        confirmLabel: 'Archive',
      });
      if (!confirmed) return;
    }
    try {
      const result =
        action === 'stop'
          ? await request('$post', '/campaigns/:id/stop', {
              param: { id },
              json: { cancelPending },
            })
          : await request('$post', `/campaigns/:id/${action}`, { param: { id } });
      props.onChanged(result.campaign);
      const canceled =
        result.canceledLeads > 0 ? `; ${result.canceledLeads} pending leads canceled` : '';
      notify(`${props.campaign.name}: ${result.campaign.status}${canceled}`);
    } catch (error) {
      notify(`Could not ${action} ${props.campaign.name}: ${describeFailure(error)}`, 'error');
    }
  }

  async function clone() {
    try {
      const copy = await request('$post', '/campaigns/:id/clone', {
        param: { id: props.campaign.id },
      });
      props.onChanged(copy);
      notify(`Created ${copy.name} (a draft, without leads)`);
      navigate(`/campaigns/${encodeURIComponent(copy.id)}/edit`);
    } catch (error) {
      notify(`Could not clone ${props.campaign.name}: ${describeFailure(error)}`, 'error');
    }
  }

  async function remove() {
    const { confirmed } = await confirmAction({
      title: `Delete ${name()}?`,
      message:
        'The campaign, its leads and its whole call history are deleted. This cannot be undone.',
      confirmLabel: 'Delete for good',
      danger: true,
    });
    if (!confirmed) return;
    try {
      await request('$delete', '/campaigns/:id', { param: { id: props.campaign.id } });
      props.onDeleted(props.campaign.id);
      notify(`Deleted ${props.campaign.name}`);
    } catch (error) {
      notify(`Could not delete ${props.campaign.name}: ${describeFailure(error)}`, 'error');
    }
  }

  return (
    <fieldset class="actions">
      <legend class="visually-hidden">Actions for {props.campaign.name}</legend>
      <For each={actions()}>
        {(action) => (
          <button
            type="button"
            class={action === 'start' ? 'primary' : action === 'stop' ? 'danger' : undefined}
            onClick={() => void run(action)}
          >
            {LABELS[action]}
          </button>
        )}
      </For>
      <button type="button" onClick={() => void clone()}>
        Clone
      </button>
      <Show when={props.campaign.status !== 'running'}>
        <button type="button" class="danger-outline" onClick={() => void remove()}>
          Delete
        </button>
      </Show>
    </fieldset>
  );
}
