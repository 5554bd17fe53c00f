import { Show } from 'solid-js';
import type { Campaign, DialingStatus } from '../api/api.js';
import { wallClock } from '../state/clock.js';
import { formatClock, formatDateTime } from '../view/format.js';

/**
 * Server time, campaign time and whether the calling window is open, ticking each
 * second from the last status (corrected for the browser's clock being off).
 */
export function CampaignClocks(props: {
  campaign: Campaign;
  status: DialingStatus | null;
  clockSkewMs: number;
}) {
  const now = wallClock();
  const serverNow = () => now() + props.clockSkewMs;
  return (
    <dl class="clocks">
      <div>
        <dt>Server time</dt>
        <dd>{formatClock(serverNow())}</dd>
      </div>
      <div>
        <dt>Campaign time ({props.campaign.timezone})</dt>
        <dd>{formatClock(serverNow(), props.campaign.timezone)}</dd>
      </div>
      <div>
        <dt>Calling window</dt>
        <dd>
          <Show when={props.status} fallback="…">
            {(status) => (
              <span class={status().window.open ? 'window-open' : 'window-closed'}>
                {status().window.open ? 'open' : 'closed'}
                <Show when={status().window.open && status().window.closesAt}>
                  {(at) => <> until {formatDateTime(at(), props.campaign.timezone)}</>}
                </Show>
                <Show when={!status().window.open && status().window.opensAt}>
                  {(at) => <>, opens {formatDateTime(at(), props.campaign.timezone)}</>}
                </Show>
              </span>
            )}
          </Show>
        </dd>
      </div>
    </dl>
  );
}
