import { createEffect, createSignal, Show } from 'solid-js';
import { pendingConfirm } from '../state/confirm.js';

/**
 * The one confirmation dialog. A native modal `<dialog>`: it keeps focus inside, closes
 * on Escape, and gives focus back to the button that opened it.
 */
export function ConfirmDialog() {
  let dialog: HTMLDialogElement | undefined;
  let opener: Element | null = null;
  const [option, setOption] = createSignal(false);

  createEffect(() => {
    const request = pendingConfirm();
    if (dialog === undefined) return;
    if (request !== null && !dialog.open) {
      opener = document.activeElement;
      setOption(request.option?.checked ?? false);
      dialog.showModal();
    } else if (request === null && dialog.open) {
      dialog.close();
    }
  });

  const answer = (confirmed: boolean) => {
    pendingConfirm()?.resolve({ confirmed, option: option() });
    if (opener instanceof HTMLElement) opener.focus();
  };

  return (
    <dialog
      ref={dialog}
      class="confirm-dialog"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-message"
      onCancel={(event) => {
        event.preventDefault();
        answer(false);
      }}
    >
      <Show when={pendingConfirm()}>
        {(request) => (
          <form
            method="dialog"
            onSubmit={(event) => {
              event.preventDefault();
              answer(true);
            }}
          >
            <h2 id="confirm-title">{request().title}</h2>
            <p id="confirm-message">{request().message}</p>
            <Show when={request().option}>
              {(opt) => (
                <label class="checkbox">
                  <input
                    type="checkbox"
                    checked={option()}
                    onChange={(e) => setOption(e.currentTarget.checked)}
                  />
                  {opt().label}
                </label>
              )}
            </Show>
            <div class="dialog-buttons">
              <button type="button" onClick={() => answer(false)}>
                Cancel
              </button>
              <button type="submit" class={request().danger ? 'danger' : 'primary'} autofocus>
                {request().confirmLabel}
              </button>
            </div>
          </form>
        )}
      </Show>
    </dialog>
  );
}
