/**
 * Why an upload cannot become a recording. Each reason has one HTTP status:
 * `unsupportedType` 415, `tooLarge` and `tooLong` 413, `invalidAudio` 400. The message
 * says what was found and what would be accepted, for the operator to read.
 */
export type AudioRejection =
  /** A format the converter does not read (MP3, ADPCM WAV, 5.1 channels, …). */
  | { reason: 'unsupportedType'; message: string }
  /** More bytes than the upload limit. */
  | { reason: 'tooLarge'; message: string }
  /** Plays longer than the duration limit. */
  | { reason: 'tooLong'; message: string }
  /** A supported format whose header or data is broken or empty. */
  | { reason: 'invalidAudio'; message: string };

/** The outcome of a step that reads an upload. */
export type AudioResult<T> = { ok: true; value: T } | { ok: false; rejection: AudioRejection };

/** Shorthand for a failed `AudioResult`. */
export function rejected(reason: AudioRejection['reason'], message: string): AudioResult<never> {
  return { ok: false, rejection: { reason, message } };
}
