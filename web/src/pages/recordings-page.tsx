import { createResource, createSignal, For, Show } from 'solid-js';
import { apiUrl, type Recording, request } from '../api/api.js';
import { describeFailure } from '../api/api-failure.js';
import { loadApiToken } from '../api/api-token.js';
import { uploadForm } from '../api/upload.js';
import { ErrorBox } from '../components/error-box.js';
import { Link } from '../components/link.js';
import { RecordingAudio } from '../components/recording-audio.js';
import { RenameForm } from '../components/rename-form.js';
import { confirmAction } from '../state/confirm.js';
import { notify } from '../state/notices.js';
import { formatDuration } from '../view/format.js';

/** The recording library: upload (converted for Asterisk), play, rename, see who uses it, delete. */
export function RecordingsPage() {
  const [recordings, { refetch }] = createResource(
    async () => (await request('$get', '/recordings', {})).recordings,
  );
  const [name, setName] = createSignal('');
  const [progress, setProgress] = createSignal<number | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  /** The recording whose name is being edited in its row. */
  const [renaming, setRenaming] = createSignal<string | null>(null);
  let fileInput: HTMLInputElement | undefined;

  async function upload(event: SubmitEvent) {
    event.preventDefault();
    const file = fileInput?.files?.[0];
    if (file === undefined) return setError('Choose an audio file first.');
    const form = new FormData();
    form.append('file', file, file.name);
    if (name() !== '') form.append('name', name());
    setError(null);
    setProgress(0);
    try {
      const { body } = await uploadForm(apiUrl('/recordings'), form, setProgress);
      const added = body as Recording & { source: { format: string; sampleRate: number } };
      notify(
        `Added ${added.name} (${formatDuration(added.durationMs)}, from ${added.source.format} at ${added.source.sampleRate} Hz)`,
      );
      setName('');
      if (fileInput) fileInput.value = '';
      await refetch();
    } catch (failure) {
      setError(describeFailure(failure));
    } finally {
      setProgress(null);
    }
  }

  /** Saves a new name; resolves to the API's refusal, or null once saved. */
  async function rename(recording: Recording, name: string): Promise<string | null> {
    try {
      await request('$patch', '/recordings/:id', {
        param: { id: recording.id },
        json: { name },
      });
      notify(`Renamed ${recording.name} to ${name}`);
      await refetch();
      endRename(recording);
      return null;
    } catch (failure) {
      return describeFailure(failure);
    }
  }

  /** Closes the row's rename form and puts focus back on its Rename button. */
  function endRename(recording: Recording) {
    setRenaming(null);
    document
      .querySelector<HTMLElement>(`tr[data-recording-id="${recording.id}"] [data-rename]`)
      ?.focus();
  }

  async function remove(recording: Recording) {
    const { confirmed } = await confirmAction({
      title: `Delete ${recording.name}?`,
      message: 'The recording and its files are deleted.',
      confirmLabel: 'Delete',
      danger: true,
    });
    if (!confirmed) return;
    try {
      await request('$delete', '/recordings/:id', { param: { id: recording.id } });
      notify(`Deleted ${recording.name}`);
      await refetch();
    } catch (failure) {
      notify(`Could not delete ${recording.name}: ${describeFailure(failure)}`, 'error');
    }
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabindex="-1">
        Recordings
      </h1>
      <p class="help">
        Prompts for the consent question and voicemail messages. Uploads are converted to 8 kHz mono
        μ-law for Asterisk: WAV (any PCM, float, μ-law or A-law), or raw .ulaw / .alaw.
      </p>
      <form class="upload-form" onSubmit={(e) => void upload(e)}>
        <div class="field">
          <label for="recording-file">Audio file</label>
          <input
            id="recording-file"
            ref={fileInput}
            type="file"
            accept=".wav,.ulaw,.alaw,audio/*"
          />
        </div>
        <div class="field">
          <label for="recording-name">Name (optional: the file name otherwise)</label>
          <input
            id="recording-name"
            type="text"
            value={name()}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="primary" disabled={progress() !== null}>
          Upload
        </button>
        <Show when={progress() !== null}>
          <progress max="1" value={progress() ?? 0} aria-label="Upload progress" />
        </Show>
      </form>
      <ErrorBox message={error()} />
      <Show when={recordings.error}>
        <p class="error-box">Could not load the recordings: {describeFailure(recordings.error)}</p>
      </Show>
      <Show
        when={(recordings.latest?.length ?? 0) > 0}
        fallback={
          <Show when={recordings.latest}>
            <p class="empty">No recordings yet — upload one above.</p>
          </Show>
        }
      >
        <table class="plain recordings">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Length</th>
              <th scope="col">Listen</th>
              <th scope="col">Used by</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            <For each={recordings.latest}>
              {(recording) => (
                <tr data-recording-id={recording.id}>
                  <td>
                    <Show when={renaming() === recording.id} fallback={recording.name}>
                      <RenameForm
                        name={recording.name}
                        label={`New name for ${recording.name}`}
                        onSave={(name) => rename(recording, name)}
                        onCancel={() => endRename(recording)}
                      />
                    </Show>
                  </td>
                  <td class="num">{formatDuration(recording.durationMs)}</td>
                  <td>
                    <RecordingAudio recording={recording} authorized={loadApiToken() !== null} />
                  </td>
                  <td>
                    <Show
                      when={recording.usedBy.length > 0}
                      fallback={<span class="muted">unused</span>}
                    >
                      <For each={recording.usedBy}>
                        {(use) => (
                          <div>
                            <Link href={`/campaigns/${encodeURIComponent(use.campaignId)}`}>
                              {use.campaignName}
                            </Link>{' '}
                            <span class="muted">({use.roles.join(', ')})</span>
                          </div>
                        )}
                      </For>
                    </Show>
                  </td>
                  <td>
                    <span class="row-actions">
                      <button
                        type="button"
                        class="small"
                        data-rename
                        aria-label={`Rename ${recording.name}`}
                        aria-expanded={renaming() === recording.id}
                        onClick={() => setRenaming(recording.id)}
                      >
                        Rename
                      </button>
                      <button
                        type="button"
                        class="small danger-outline"
                        aria-label={`Delete ${recording.name}`}
                        disabled={recording.usedBy.length > 0}
                        title={recording.usedBy.length > 0 ? 'In use by a campaign' : undefined}
                        onClick={() => void remove(recording)}
                      >
                        Delete
                      </button>
                    </span>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
    </section>
  );
}
