import { For, Show } from 'solid-js';
import type { CampaignStats } from '../api/api.js';
import { formatCount } from '../view/format.js';
import { liveByGroup, outcomeLabel } from '../view/labels.js';

/** Calls live now by stage, and today's finished calls by outcome. */
export function LiveCounters(props: { stats: CampaignStats | null; label: string }) {
  const today = () =>
    Object.entries(props.stats?.outcomesToday ?? {}).sort(([, a], [, b]) => b - a);
  const doneToday = () => today().reduce((sum, [, n]) => sum + n, 0);
  return (
    <Show when={props.stats} fallback={<span class="muted">loading counters…</span>}>
      {(stats) => (
        <div class="counters">
          <h3 class="visually-hidden">Live calls of {props.label}</h3>
          <dl class="live-counters">
            <For each={liveByGroup(stats().live)}>
              {(group) => (
                <div class={group.count > 0 ? 'counter active' : 'counter'}>
                  <dt>{group.label}</dt>
                  <dd data-counter={group.label}>{formatCount(group.count)}</dd>
                </div>
              )}
            </For>
          </dl>
          <div class="today">
            <span class="today-total">
              done today <strong data-counter="done today">{formatCount(doneToday())}</strong>
            </span>
            <For each={today()}>
              {([outcome, n]) => (
                <span class={`chip outcome-${outcome}`}>
                  {outcomeLabel(outcome)} <strong>{formatCount(n)}</strong>
                </span>
              )}
            </For>
          </div>
        </div>
      )}
    </Show>
  );
}
