import { createSignal, onCleanup, Show } from 'solid-js';
import { apiFetch, type Recording } from '../api/api.js';
import { describeFailure } from '../api/api-failure.js';

/**
 * A player for a recording's preview WAV. With an API token the audio is fetched with
 * it first (an `<audio src>` cannot send the header); without one the browser streams it.
 */
export function RecordingAudio(props: { recording: Recording; authorized: boolean }) {
  const [src, setSrc] = createSignal<string | null>(
    props.authorized ? null : props.recording.audioUrl,
  );
  const [error, setError] = createSignal<string | null>(null);
  let objectUrl: string | null = null;
  onCleanup(() => {
    if (objectUrl !== null) URL.revokeObjectURL(objectUrl);
  });
  const load = async () => {
    try {
      objectUrl = URL.createObjectURL(await (await apiFetch(props.recording.audioUrl)).blob());
      setSrc(objectUrl);
    } catch (failure) {
      setError(describeFailure(failure));
    }
  };
  return (
    <Show
      when={src()}
      fallback={
        <button type="button" class="small" onClick={() => void load()}>
          {error() ?? 'Load audio'}
        </button>
      }
    >
      {(url) => (
        // biome-ignore lint/a11y/useMediaCaption: a prompt has no caption file; its name says what it says
        <audio
          controls
          preload="metadata"
          src={url()}
          aria-label={`Play ${props.recording.name}`}
        />
      )}
    </Show>
  );
}
