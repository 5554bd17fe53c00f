import { createSignal, onCleanup, onMount, Show } from 'solid-js';
import {
  apiUrl,
  type Campaign,
  type ImportAccepted,
  type ImportReport,
  type ImportStatus,
  request,
} from '../api/api.js';
import { describeFailure } from '../api/api-failure.js';
import { downloadFile } from '../api/download.js';
import { subscribeLive } from '../api/live-events.js';
import { uploadForm } from '../api/upload.js';
import { notify } from '../state/notices.js';
import { formatCount } from '../view/format.js';
import { ErrorBox } from './error-box.js';
import { ImportResult } from './import-result.js';

type Mode = 'skip_existing' | 'update_existing';

/** Where a background import is, from its status or its latest live event. */
interface Progress {
  phase: string;
  percent: number | null;
  rowsRead: number;
  rowsPerSecond: number | null;
}

/**
 * Imports a CSV file or an Excel workbook (its first worksheet) into the campaign: pick or drop a file, choose what happens to
 * numbers already there, watch the upload and the import, then read the counts and the
 * problems found, with the rejected rows as a CSV to fix and import again.
 *
 * `onClose(imported)` says whether an import answered in its request added leads; a
 * background import (over 1 MiB) refreshes the leads through the live feed when it ends,
 * whether this dialog is still open or not.
 */
export function ImportDialog(props: { campaign: Campaign; onClose(imported: boolean): void }) {
  let dialog: HTMLDialogElement | undefined;
  let fileInput: HTMLInputElement | undefined;
  const [file, setFile] = createSignal<File | null>(null);
  const [mode, setMode] = createSignal<Mode>('skip_existing');
  const [sent, setSent] = createSignal<number | null>(null);
  const [running, setRunning] = createSignal<Progress | null>(null);
  const [result, setResult] = createSignal<ImportReport | ImportStatus | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [dragging, setDragging] = createSignal(false);
  let importedInRequest = false;
  /** Stops following a background import (the dialog is closing). */
  let stopFollowing: (() => void) | null = null;

  onMount(() => dialog?.showModal());
  onCleanup(() => stopFollowing?.());
  const close = () => {
    stopFollowing?.();
    dialog?.close();
    props.onClose(importedInRequest);
  };

  /**
   * Follows a background import on the live feed: its status once (it may have ended
   * already), then its `import` events, then its status again for the full result. A
   * gap in the feed (`reload`) reads the status again instead of waiting for an event
   * that was missed.
   */
  function follow(importId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      let ended = false;
      const end = (outcome?: { status: ImportStatus } | { failure: unknown }) => {
        if (ended) return;
        ended = true;
        stopFollowing = null;
        unsubscribe();
        if (outcome !== undefined && 'status' in outcome) setResult(outcome.status);
        if (outcome !== undefined && 'failure' in outcome) reject(outcome.failure);
        else resolve();
      };
      const readStatus = async () => {
        try {
          const status = await request('$get', '/imports/:id', { param: { id: importId } });
          if (status.status !== 'running') end({ status });
          else if (!ended) setRunning(progressOf(status));
        } catch (failure) {
          end({ failure });
        }
      };
      // Subscribed before the status is read, so that the end cannot fall between them.
      const unsubscribe = subscribeLive({
        import(event) {
          if (event.importId !== importId || ended) return;
          if (event.state === 'running') setRunning({ ...event });
          else void readStatus();
        },
        reload: () => void readStatus(),
      });
      stopFollowing = () => end();
      void readStatus();
    });
  }

  async function start(event: SubmitEvent) {
    event.preventDefault();
    const chosen = file();
    if (chosen === null) return setError('Choose a CSV or Excel (.xlsx) file first.');
    setError(null);
    setSent(0);
    const form = new FormData();
    form.append('file', chosen, chosen.name);
    form.append('mode', mode());
    try {
      const { status, body } = await uploadForm(
        apiUrl('/campaigns/:id/leads/import', { id: props.campaign.id }),
        form,
        setSent,
      );
      if (status === 202) {
        await follow((body as ImportAccepted).importId);
      } else {
        importedInRequest ||= (body as ImportReport).status === 'completed';
        setResult(body as ImportReport);
      }
      const done = result();
      if (done)
        notify(
          `Imported ${formatCount(done.counts.accepted)} new leads into ${props.campaign.name}`,
        );
    } catch (failure) {
      setError(describeFailure(failure));
    } finally {
      setSent(null);
      setRunning(null);
    }
  }

  const pick = (files: FileList | null | undefined) => {
    const chosen = files?.[0];
    if (chosen !== undefined) {
      setFile(chosen);
      setResult(null);
      setError(null);
    }
  };

  const sample = () =>
    void downloadFile(
      apiUrl('/campaigns/:id/leads/sample.csv', { id: props.campaign.id }),
      'dialstate-sample.csv',
    ).catch((failure) => setError(describeFailure(failure)));

  return (
    <dialog
      ref={dialog}
      class="import-dialog"
      aria-labelledby="import-title"
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
    >
      <h2 id="import-title">Import leads into {props.campaign.name}</h2>
      <form onSubmit={(e) => void start(e)}>
        {/* biome-ignore lint/a11y/noStaticElementInteractions: dropping is a pointer shortcut; the file input inside is the keyboard's way */}
        <div
          class={dragging() ? 'drop-zone dragging' : 'drop-zone'}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            pick(e.dataTransfer?.files);
          }}
        >
          <label for="import-file">CSV or Excel (.xlsx) file (or drop it here)</label>
          <input
            id="import-file"
            ref={fileInput}
            type="file"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange={(e) => pick(e.currentTarget.files)}
          />
          <Show when={file()}>
            {(f) => (
              <p class="muted">
                {f().name}, {(f().size / 1024).toFixed(1)} KiB
              </p>
            )}
          </Show>
          <p class="help">
            A header row names the columns: phone (required), name, timezone, caller_id and any
            others, passed to the AI agent.{' '}
            <button type="button" class="link-button" onClick={sample}>
              Download a sample
            </button>
          </p>
        </div>
        <fieldset class="radio-row">
          <legend>Numbers already in the campaign</legend>
          <label class="checkbox">
            <input
              type="radio"
              name="mode"
              checked={mode() === 'skip_existing'}
              onChange={() => setMode('skip_existing')}
            />
            skip their rows
          </label>
          <label class="checkbox">
            <input
              type="radio"
              name="mode"
              checked={mode() === 'update_existing'}
              onChange={() => setMode('update_existing')}
            />
            update those leads
          </label>
        </fieldset>
        <Show when={sent() !== null}>
          <label class="progress">
            {running() ? `Importing (${running()?.phase})` : 'Uploading'}
            <progress max="1" value={running() ? (running()?.percent ?? 0) / 100 : (sent() ?? 0)} />
            <Show when={running()}>
              {(r) => (
                <span class="muted">
                  {r().rowsRead} rows read
                  {r().rowsPerSecond ? `, ${Math.round(r().rowsPerSecond ?? 0)}/s` : ''}
                </span>
              )}
            </Show>
          </label>
        </Show>
        <ErrorBox message={error()} />
        <Show when={result()}>{(done) => <ImportResult result={done()} />}</Show>
        <div class="dialog-buttons">
          <button type="button" onClick={close}>
            Close
          </button>
          <button type="submit" class="primary" disabled={sent() !== null || file() === null}>
            Import
          </button>
        </div>
      </form>
    </dialog>
  );
}

function progressOf(status: ImportStatus): Progress {
  return {
    phase: status.phase,
    percent: status.percent,
    rowsRead: status.counts.totalRows,
    rowsPerSecond: status.rowsPerSecond,
  };
}
