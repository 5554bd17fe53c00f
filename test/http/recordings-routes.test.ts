import { existsSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { uploadedRecordingSchema } from '../../src/http/recording-schemas.js';
import { DEFAULT_AUDIO_LIMITS } from '../../src/media/asterisk-audio.js';
import { type ApiHarness, apiHarnessPerTest, errorOf, issuesOf } from '../support/api-harness.js';
import { encodeG711, sine, wavFile } from '../support/audio-fixtures.js';
import { endlessBody } from '../support/endless-body.js';

const CAMPAIGN = 'campaign-reminders';
const TOKEN = 'a-long-enough-secret-token';
const MIB = 1024 * 1024;
const tone = wavFile(16000, [sine({ rate: 16000, seconds: 1.5, frequency: 440 })], '16');

const setUp = apiHarnessPerTest();

/** The recordings the library lists. */
const listRecordings = async (x: ApiHarness) => (await x.ok('$get', '/recordings', {})).recordings;
const byId = (id: string) => ({ param: { id } });

/** Sends any body (multipart, raw bytes, a stream) and reads the answer like `call`. */
async function send(x: ApiHarness, method: string, path: string, init: RequestInit = {}) {
  const response = await x.app.request(path, { method, ...init });
  const isJson = response.headers.get('content-type')?.includes('json') ?? false;
  const bytes = new Uint8Array(await response.arrayBuffer());
  const body: unknown = isJson ? JSON.parse(new TextDecoder().decode(bytes)) : null;
  return { status: response.status, headers: response.headers, bytes, body };
}

function form(fields: Record<string, string | Blob>, fileName = 'welcome.wav'): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Blob) data.append(key, value, fileName);
    else data.append(key, value);
  }
  return data;
}

/** The recording an upload answers (an upload goes raw, so its answer is parsed). */
const uploadedOf = (response: { body: unknown }) => uploadedRecordingSchema.parse(response.body);

const wavBlob = (bytes: Uint8Array = tone) => new Blob([bytes], { type: 'audio/wav' });

async function uploadTone(x: ApiHarness, name = 'Welcome') {
  const response = await send(x, 'POST', '/api/recordings', {
    body: form({ file: wavBlob(), name }),
  });
  expect(response.status).toBe(201);
  return uploadedOf(response);
}

describe('uploading recordings', () => {
  it('converts a multipart upload and lists it with its details and users', async () => {
    const x = await setUp();
    const response = await send(x, 'POST', '/api/recordings', {
      body: form({ file: wavBlob(), name: '  Welcome message ' }),
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: 'rec-1',
      name: 'Welcome message',
      durationMs: 1500,
      sizeBytes: 12_000,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      mediaUri: `sound:${x.mediaDir}/dialstate-rec-rec-1`,
      audioUrl: '/api/recordings/rec-1/audio',
      usedBy: [],
      createdAt: x.clock.now(),
      updatedAt: x.clock.now(),
      source: { format: 'wav-pcm-16', sampleRate: 16000, channels: 1 },
    });
    const { source: _source, ...recording } = uploadedOf(response);
    expect(await x.ok('$get', '/recordings', {})).toEqual({ recordings: [recording] });
    expect(await x.ok('$get', '/recordings/:id', byId('rec-1'))).toEqual(recording);
  });

  it('names a multipart upload after its file when no name is given', async () => {
    const x = await setUp();
    const response = await send(x, 'POST', '/api/recordings', {
      body: form({ file: wavBlob() }, 'Voicemail v2.wav'),
    });
    expect(response.status).toBe(201);
    expect(uploadedOf(response).name).toBe('Voicemail v2');
  });

  it('takes the audio itself as the body, named by ?name=, raw μ-law declared by its type', async () => {
    const x = await setUp();
    const wav = await send(x, 'POST', '/api/recordings?name=Raw%20WAV', {
      body: tone,
      headers: { 'content-type': 'audio/wav' },
    });
    expect(wav.status).toBe(201);
    expect(wav.body).toMatchObject({ name: 'Raw WAV', durationMs: 1500 });

    const ulaw = encodeG711(sine({ rate: 8000, seconds: 2, frequency: 440 }), 'mulaw');
    const raw = await send(x, 'POST', '/api/recordings?name=Prompt', {
      body: ulaw,
      headers: { 'content-type': 'audio/basic' },
    });
    expect(raw.status).toBe(201);
    expect(raw.body).toMatchObject({ durationMs: 2000, source: { format: 'raw-mulaw' } });

    const byExtension = await send(x, 'POST', '/api/recordings?name=Named&fileName=prompt.ulaw', {
      body: ulaw,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(byExtension.status).toBe(201);
  });

  it('refuses what is not audio it reads, with the status of each reason', async () => {
    const x = await setUp();
    const mp3 = await send(x, 'POST', '/api/recordings?name=Song', {
      body: new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0, 1, 2, 3]),
      headers: { 'content-type': 'audio/mpeg' },
    });
    expect(mp3.status).toBe(415);
    expect(errorOf(mp3)).toMatchObject({
      code: 'unsupportedMediaType',
      message: expect.stringContaining('MP3'),
      details: { reason: 'unsupportedType' },
    });

    const text = await send(x, 'POST', '/api/recordings?name=Notes', {
      body: JSON.stringify({ not: 'audio' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(text.status).toBe(415);

    const broken = await send(x, 'POST', '/api/recordings?name=Broken', {
      body: tone.subarray(0, 40),
      headers: { 'content-type': 'audio/wav' },
    });
    expect(broken.status).toBe(400);
    expect(errorOf(broken).details).toEqual({ reason: 'invalidAudio' });

    // Five minutes and a second of 8 kHz μ-law: small, but longer than a prompt may be.
    const long = new Uint8Array((DEFAULT_AUDIO_LIMITS.maxDurationMs / 1000 + 1) * 8000).fill(0xff);
    const tooLong = await send(x, 'POST', '/api/recordings?name=Long', {
      body: long,
      headers: { 'content-type': 'audio/basic' },
    });
    expect(tooLong.status).toBe(413);
    expect(errorOf(tooLong)).toMatchObject({
      code: 'payloadTooLarge',
      details: { reason: 'tooLong' },
    });
    expect(await listRecordings(x)).toEqual([]);
  });

  it('refuses a missing name or file, and names that cannot be shown', async () => {
    const x = await setUp();
    const noName = await send(x, 'POST', '/api/recordings', {
      body: tone,
      headers: { 'content-type': 'audio/wav' },
    });
    expect(noName.status).toBe(400);
    expect(issuesOf(errorOf(noName))).toEqual([
      { path: 'query.name', message: expect.any(String) },
    ]);

    const noFile = await send(x, 'POST', '/api/recordings', { body: form({ name: 'Empty' }) });
    expect(noFile.status).toBe(400);
    expect(issuesOf(errorOf(noFile))[0]?.path).toBe('body.file');

    const fileAsText = await send(x, 'POST', '/api/recordings', {
      body: form({ file: 'not a file', name: 'Text' }),
    });
    expect(fileAsText.status).toBe(400);

    for (const name of ['   ', 'bell\u0007', 'x'.repeat(101)]) {
      const response = await send(x, 'POST', '/api/recordings', {
        body: form({ file: wavBlob(), name }),
      });
      expect(response.status).toBe(400);
      expect(errorOf(response).details).toEqual({ reason: 'invalidName' });
    }
    expect(readdirSafe(x.mediaDir)).toEqual([]);
  });

  it('refuses an upload over the size limit from its Content-Length, without reading it', async () => {
    const x = await setUp();
    const endless = endlessBody(new Uint8Array(MIB));
    const response = await send(
      x,
      'POST',
      '/api/recordings?name=Huge',
      endless.init({ 'content-type': 'audio/wav', 'content-length': String(1024 * MIB) }),
    );
    expect(response.status).toBe(413);
    expect(errorOf(response)).toMatchObject({
      code: 'payloadTooLarge',
      message: expect.stringContaining('MiB'),
    });
    expect(endless.pulled()).toBeLessThanOrEqual(1);
  });

  it('stops reading a chunked upload as soon as it passes the size limit', async () => {
    const x = await setUp();
    const endless = endlessBody(new Uint8Array(MIB));
    const response = await send(
      x,
      'POST',
      '/api/recordings?name=Endless',
      endless.init({ 'content-type': 'audio/wav' }),
    );
    expect(response.status).toBe(413);
    const limitMiB = DEFAULT_AUDIO_LIMITS.maxBytes / MIB;
    expect(endless.pulled()).toBeGreaterThan(limitMiB);
    expect(endless.pulled()).toBeLessThan(limitMiB + 4);
  });
});

describe('the preview audio', () => {
  it('serves the preview WAV with its length and headers that keep browsers from guessing', async () => {
    const x = await setUp();
    const { audioUrl } = await uploadTone(x);
    const response = await send(x, 'GET', audioUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    expect(response.headers.get('content-length')).toBe(String(response.bytes.length));
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-disposition')).toBe(
      'inline; filename="recording-rec-1.wav"',
    );
    expect(response.headers.get('content-security-policy')).toContain('sandbox');
    expect(new TextDecoder().decode(response.bytes.subarray(0, 4))).toBe('RIFF');
    // 16-bit 8 kHz: 1.5 s is 24,000 bytes of samples after the header.
    expect(response.bytes.length).toBeGreaterThanOrEqual(24_000 + 44);
  });

  it('answers unknown recordings with the JSON 404', async () => {
    const x = await setUp();
    const response = await x.call('GET', '/api/recordings/rec-9/audio');
    expect(response.status).toBe(404);
    expect(errorOf(response).code).toBe('notFound');
  });
});

describe('renaming and deleting', () => {
  it('renames a recording; refuses unusable names, wrong types and unknown ids', async () => {
    const x = await setUp();
    await uploadTone(x, 'Old name');
    x.clock.increment(5_000);
    const renamed = await x.ok('$patch', '/recordings/:id', {
      ...byId('rec-1'),
      json: { name: ' New name ' },
    });
    expect(renamed).toMatchObject({ name: 'New name', updatedAt: x.clock.now() });

    const empty = await x.refused('$patch', '/recordings/:id', {
      ...byId('rec-1'),
      json: { name: '' },
    });
    expect(empty.status).toBe(400);
    // Bodies the route's type excludes go raw.
    expect((await x.call('PATCH', '/api/recordings/rec-1', { name: 42 })).status).toBe(400);
    expect((await x.call('PATCH', '/api/recordings/rec-1', { name: 'A', x: 1 })).status).toBe(400);
    expect((await x.call('PATCH', '/api/recordings/rec-1', {})).status).toBe(400);
    const unknown = await x.refused('$patch', '/recordings/:id', {
      ...byId('rec-9'),
      json: { name: 'A' },
    });
    expect(unknown.status).toBe(404);
    expect((await x.ok('$get', '/recordings/:id', byId('rec-1'))).name).toBe('New name');
  });

  it('refuses to delete a recording a campaign uses, naming the campaign; deletes it once unused', async () => {
    const x = await setUp();
    const { id } = await uploadTone(x, 'Consent prompt');
    const consent = { enabled: true, recordingId: id, timeoutSec: 8 };
    const campaign = { param: { id: CAMPAIGN } };
    await x.ok('$patch', '/campaigns/:id', { ...campaign, json: { consent } });

    const listed = await x.ok('$get', '/recordings/:id', byId(id));
    const use = {
      campaignId: CAMPAIGN,
      campaignName: 'Appointment reminders',
      campaignStatus: 'draft',
      roles: ['consent'],
    };
    expect(listed.usedBy).toEqual([use]);

    const refused = await x.refused('$delete', '/recordings/:id', byId(id));
    expect(refused).toMatchObject({
      status: 409,
      code: 'conflict',
      message: expect.stringContaining('"Appointment reminders"'),
      details: { usedBy: [use] },
    });
    expect(readdirSafe(x.mediaDir)).toHaveLength(2);

    const off = { enabled: false, recordingId: null, timeoutSec: 8 };
    await x.ok('$patch', '/campaigns/:id', { ...campaign, json: { consent: off } });
    expect((await x.api('$delete', '/recordings/:id', byId(id))).status).toBe(204);
    expect((await x.refused('$get', '/recordings/:id', byId(id))).status).toBe(404);
    expect(readdirSafe(x.mediaDir)).toEqual([]);
    expect((await x.refused('$delete', '/recordings/:id', byId(id))).status).toBe(404);
  });
});

describe('ids and names from outside', () => {
  it('never reaches a path outside the library through an id', async () => {
    const x = await setUp();
    await uploadTone(x);
    const database = `${x.dir.path}/dialstate.db`;
    expect(existsSync(database)).toBe(true);
    const ids = ['..%2Fdialstate.db', '..%2F..%2Fetc%2Fpasswd', '%2Fetc%2Fpasswd', 'rec-1%00', '.'];
    for (const id of ids) {
      for (const path of [`/api/recordings/${id}`, `/api/recordings/${id}/audio`]) {
        const response = await x.call('GET', path);
        expect(response.status, path).toBe(404);
      }
      expect((await x.call('PATCH', `/api/recordings/${id}`, { name: 'A' })).status).toBe(404);
      expect((await x.call('DELETE', `/api/recordings/${id}`)).status).toBe(404);
    }
    expect(existsSync(database)).toBe(true);
    expect(await listRecordings(x)).toHaveLength(1);
  });

  it('keeps a name or file name with a path as a display name only: files are named by id', async () => {
    const x = await setUp();
    const outside = readdirSafe(dirname(x.mediaDir));
    const response = await send(x, 'POST', '/api/recordings', {
      body: form({ file: wavBlob(), name: '../../evil' }, '../../../tmp/evil.wav'),
    });
    expect(response.status).toBe(201);
    expect(uploadedOf(response).name).toBe('../../evil');
    expect(readdirSafe(x.mediaDir).sort()).toEqual([
      'dialstate-rec-rec-1-preview.wav',
      'dialstate-rec-rec-1.ulaw',
    ]);
    // The media folder itself is new; nothing else appeared beside it.
    expect(readdirSafe(dirname(x.mediaDir)).sort()).toEqual([...outside, 'media'].sort());
  });
});

describe('authentication', () => {
  it('needs the token for every recording route when one is configured', async () => {
    const x = await setUp({ apiToken: TOKEN });
    expect((await x.api('$get', '/recordings', {})).status).toBe(401);
    expect((await x.call('GET', '/api/recordings/rec-1/audio')).status).toBe(401);
    const upload = await send(x, 'POST', '/api/recordings?name=A', {
      body: tone,
      headers: { 'content-type': 'audio/wav' },
    });
    expect(upload.status).toBe(401);
    const authorized = await send(x, 'POST', '/api/recordings?name=A', {
      body: tone,
      headers: { 'content-type': 'audio/wav', authorization: `Bearer ${TOKEN}` },
    });
    expect(authorized.status).toBe(201);
  });
});

function readdirSafe(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}
