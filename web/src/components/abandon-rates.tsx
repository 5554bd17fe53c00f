import { For, Show } from 'solid-js';
import type { CampaignStats } from '../api/api.js';
import { formatCount } from '../view/format.js';

type Abandonment = CampaignStats['abandonment'];

/** Height of the per-day trend, and so of its tallest bar (rem). */
const TREND_REM = 3;
type Counts = Abandonment['last24h'];

/** "1.25 % (1 of 80)", or "no answered call" when none was answered. */
function describe(counts: Counts): string {
  if (counts.ratePercent === null) return 'no answered call';
  const rate = Number(counts.ratePercent.toFixed(2));
  return `${rate} % (${formatCount(counts.abandoned)} of ${formatCount(counts.answered)})`;
}

/**
 * The campaign's abandoned-call rate over the rules' windows (24 hours for Ofcom, 30
 * days for the US TSR) against its cap, and the rate per day over the last 30 days.
 */
export function AbandonRates(props: { abandonment: Abandonment | undefined }) {
  const over = (counts: Counts, cap: number | null) =>
    cap !== null && counts.ratePercent !== null && counts.ratePercent > cap;
  // The tallest bar is the highest daily rate, or the cap when higher.
  const top = (a: Abandonment) =>
    Math.max(a.capPercent ?? 0, ...a.daily.map((day) => day.ratePercent ?? 0), 1);
  return (
    <Show when={props.abandonment}>
      {(a) => (
        <section class="abandon-rates" aria-labelledby="abandon-title">
          <h3 id="abandon-title">Abandoned calls</h3>
          <dl class="abandon-windows">
            <div classList={{ over: over(a().last24h, a().capPercent) }}>
              <dt>last 24 hours</dt>
              <dd data-abandon-window="24h">{describe(a().last24h)}</dd>
            </div>
            <div classList={{ over: over(a().last30d, a().capPercent) }}>
              <dt>last 30 days</dt>
              <dd data-abandon-window="30d">{describe(a().last30d)}</dd>
            </div>
            <div>
              <dt>cap</dt>
              <dd>{a().capPercent === null ? 'none' : `${a().capPercent} %`}</dd>
            </div>
          </dl>
          <p class="help">
            A person not attended within {a().thresholdMs / 1000} s of the end of their greeting, or
            not connected by our side, counts as abandoned.
          </p>
          <ol class="abandon-trend" aria-label="Abandoned-call rate per day, last 30 days">
            <For each={a().daily}>
              {(day) => (
                <li
                  title={`${day.day}: ${describe(day)}`}
                  aria-label={`${day.day}: ${describe(day)}`}
                  classList={{ over: over(day, a().capPercent), empty: day.answered === 0 }}
                  style={{
                    height: `${Math.max(0.15, ((day.ratePercent ?? 0) / top(a())) * TREND_REM).toFixed(2)}rem`,
                  }}
                />
              )}
            </For>
          </ol>
        </section>
      )}
    </Show>
  );
}
