import { createResource, For, onCleanup, Show } from 'solid-js';
import { type Attempt, request } from '../api/api.js';
import { describeFailure } from '../api/api-failure.js';
import { subscribeLive } from '../api/live-events.js';
import { wallClock } from '../state/clock.js';
import { formatDateTime, formatDuration } from '../view/format.js';
import { endedByLabel, outcomeLabel } from '../view/labels.js';
import { layOutTimeline } from '../view/timeline-layout.js';

/**
 * One attempt's story: its states as spans on a time axis with their durations, its
 * events as markers (answer, AMD verdict, DTMF, playbacks, hang-up cause) and, in the
 * table below, every event with the commands it caused. While the call is live it is
 * read again after each of its transitions on the live feed.
 */
export function AttemptTimeline(props: { attempt: Attempt; timezone: string }) {
  const now = wallClock();
  const [timeline, { refetch }] = createResource(
    () => props.attempt.id,
    (id) => request('$get', '/attempts/:id/timeline', { param: { id } }),
  );
  let pending = false;
  const unsubscribe = subscribeLive({
    attempt(event) {
      if (event.attemptId !== props.attempt.id || pending) return;
      // Transitions come in bursts (answer, then AMD): one read per burst.
      pending = true;
      setTimeout(() => {
        pending = false;
        void refetch();
      }, 150);
    },
    reload: () => void refetch(),
  });
  onCleanup(unsubscribe);

  const layout = () => {
    const t = timeline.latest;
    return t === undefined ? null : layOutTimeline(t, t.live ? now() : 0);
  };

  return (
    <article
      class="attempt"
      aria-labelledby={`attempt-${props.attempt.id}`}
      data-attempt-id={props.attempt.id}
    >
      <h3 id={`attempt-${props.attempt.id}`}>
        Attempt {props.attempt.attemptNumber} ·{' '}
        {formatDateTime(props.attempt.startedAt ?? props.attempt.createdAt, props.timezone)} ·{' '}
        <span data-attempt-outcome>
          {timeline.latest?.live
            ? 'in progress'
            : outcomeLabel(timeline.latest?.outcome ?? props.attempt.outcome)}
        </span>
      </h3>
      <Show when={timeline.latest?.dialString}>
        {(dialString) => (
          <p class="help" data-dial-string>
            Dialed <code>{dialString()}</code>
            <Show when={timeline.latest?.endedBy}>
              {(by) => (
                <>
                  {' '}
                  · {endedByLabel(by())}
                  <Show when={timeline.latest?.transferredTo}>{(to) => <> (to {to()})</>}</Show>
                </>
              )}
            </Show>
          </p>
        )}
      </Show>
      <Show when={timeline.error}>
        <p class="error-box">Could not load the timeline: {describeFailure(timeline.error)}</p>
      </Show>
      <Show when={timeline.latest?.error}>{(error) => <p class="error-cell">{error()}</p>}</Show>
      <Show when={layout()}>
        {(l) => (
          <>
            <div
              class="timeline"
              role="img"
              aria-label="States over time; the table below lists every event"
            >
              <div class="timeline-spans">
                <For each={l().spans}>
                  {(span) => (
                    <div
                      class={`span group-${span.group}${span.ongoing ? ' ongoing' : ''}`}
                      style={{ left: `${span.left}%`, width: `${span.width}%` }}
                      title={`${span.label}: ${formatDuration(span.durationMs)}`}
                      data-span-state={span.state}
                    >
                      <span>
                        {span.label} {formatDuration(span.durationMs)}
                      </span>
                    </div>
                  )}
                </For>
              </div>
              <div class="timeline-markers">
                <For each={l().markers.filter((m) => m.kind !== 'other')}>
                  {(marker, i) => (
                    <div
                      class={`marker kind-${marker.kind} lane-${i() % 3}${marker.left > 65 ? ' flip' : ''}`}
                      style={{ left: `${marker.left}%` }}
                      title={marker.text}
                    >
                      <span>{marker.text}</span>
                    </div>
                  )}
                </For>
              </div>
              <div class="timeline-axis">
                <For each={l().ticks}>
                  {(tick) => (
                    <span class="tick" style={{ left: `${tick.left}%` }}>
                      {tick.label}
                    </span>
                  )}
                </For>
              </div>
            </div>
            <table class="events">
              <caption>Events</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">At</th>
                  <th scope="col">Event</th>
                  <th scope="col">State after</th>
                  <th scope="col">Commands issued</th>
                </tr>
              </thead>
              <tbody>
                <For each={l().markers}>
                  {(marker) => (
                    <tr class={`kind-${marker.kind}`} data-event-seq={marker.seq}>
                      <td class="num">{marker.seq}</td>
                      <td class="num">+{formatDuration(marker.offsetMs)}</td>
                      <td>{marker.text}</td>
                      <td class="mono">{marker.stateAfter}</td>
                      <td class="mono">{marker.commands.join(', ')}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
            <Show when={timeline.latest?.replay.status === 'mismatch'}>
              <p class="error-box">
                Replay differs at event {timeline.latest?.replay.seq}:{' '}
                {timeline.latest?.replay.message}
              </p>
            </Show>
          </>
        )}
      </Show>
    </article>
  );
}
