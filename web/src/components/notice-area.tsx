import { For } from 'solid-js';
import { currentNotices, dismissNotice } from '../state/notices.js';

/** The live region where action results and failures appear (read out by screen readers). */
export function NoticeArea() {
  return (
    <div class="notices" role="status" aria-live="polite">
      <For each={currentNotices()}>
        {(notice) => (
          <div
            class={`notice notice-${notice.kind}`}
            role={notice.kind === 'error' ? 'alert' : undefined}
          >
            <span>{notice.text}</span>
            <button type="button" class="link-button" onClick={() => dismissNotice(notice.id)}>
              Dismiss
            </button>
          </div>
        )}
      </For>
    </div>
  );
}
