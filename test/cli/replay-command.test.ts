import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTEMPT_MACHINE_VERSION } from '../../src/machines/attempt.js';
import { dialstate } from '../support/dialstate-cli.js';
import { createHarness } from '../support/harness.js';
import { createTempDir, type TempDir } from '../support/store-fixtures.js';

let dir: TempDir;
let dbPath: string;
let attemptId: string;

beforeAll(async () => {
  dir = createTempDir();
  dbPath = path.join(dir.path, 'dialstate.db');
  const h = await createHarness({ dir, seed: true });
  attemptId = await h.launch(1);
  await h.send(attemptId, { type: 'channel.ringing' });
  await h.advance(1_000);
  await h.send(attemptId, { type: 'channel.answered' });
  await h.send(attemptId, { type: 'channel.leftStasis' });
  await h.advance(2_970);
  await h.send(attemptId, { type: 'amd.completed', status: 'HUMAN', cause: 'HUMAN-803-800' });
  await h.advance(1_970);
  await h.send(attemptId, {
    type: 'playback.finished',
    playbackId: `${attemptId}-consent`,
    state: 'done',
  });
  await h.advance(1_700);
  await h.send(attemptId, { type: 'dtmf.received', digit: '1' });
  await h.send(attemptId, { type: 'channel.leftStasis' });
  // The hand-off lands in the campaign's target context and settles there.
  await h.send(attemptId, {
    type: 'channel.dialplanEntered',
    context: 'ai-agent',
    extension: 's',
    priority: 1,
    app: 'NoOp',
  });
  await h.advance(61_000);
  await h.send(attemptId, { type: 'channel.hungUp', cause: 16 });
  await h.runner.stop();
  await h.store.close();
}, 60_000);

afterAll(() => dir.remove());

describe('dialstate replay', () => {
  it('prints the timeline of a stored attempt and confirms the machine reproduces it', async () => {
    const { code, stdout } = await dialstate('replay', attemptId, '--db', dbPath);
    expect(code).toBe(0);
    expect(stdout).toContain(`attempt ${attemptId}`);
    expect(stdout).toContain('outcome answered_human  talk 61.000s');
    expect(stdout).toMatch(/amd\.completed HUMAN HUMAN-803-800\s+askingConsent\.prompting\s+play/);
    expect(stdout).toMatch(/dtmf\.received 1\s+handingOff\.requested\s+handOff/);
    expect(stdout).toMatch(/dialing\.ringing\s+\+0\.000s\s+1\.000s/);
    expect(stdout).toContain(
      `replay: all 11 events reproduced by machine v${ATTEMPT_MACHINE_VERSION}`,
    );
  }, 30_000);

  it('prints the timeline as JSON', async () => {
    const { code, stdout } = await dialstate('replay', attemptId, '--db', dbPath, '--json');
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout);
    expect(parsed.replay).toBe('ok');
    expect(parsed.timeline.outcome).toBe('answered_human');
    expect(parsed.timeline.spans.map((s: { state: string }) => s.state)).toEqual([
      'dialing.originating',
      'dialing.ringing',
      'screening',
      'askingConsent.prompting',
      'askingConsent.listening',
      'handingOff.requested',
      'handingOff.entering',
      'handingOff.settling',
      'talking',
      'done',
    ]);
  }, 30_000);

  it('says so and exits 1 for an attempt that is not in the database', async () => {
    const { code, stderr } = await dialstate('replay', 'no-such-attempt', '--db', dbPath);
    expect(code).toBe(1);
    expect(stderr).toContain('no attempt no-such-attempt');
  }, 30_000);
});
