import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSimulator, type Simulator } from '../../src/sim/simulator.js';
import { type AriEvent, type AriRest, ariRest, EventRecorder } from './support/ari-recorder.js';
import { callFacts } from './support/call-facts.js';
import { createManualClock } from './support/manual-clock.js';
import { runReferenceCall } from './support/reference-dialer.js';

const TIME_SCALE = 0.05;

const types = (events: readonly AriEvent[], id: string) =>
  events
    .filter(
      (e) => e.channel?.id === id && e.type !== 'ChannelDialplan' && e.type !== 'ChannelVarset',
    )
    .map((e) => e.type);

describe('the simulated far ends', () => {
  let sim: Simulator;
  let rest: AriRest;
  let dialer: EventRecorder;
  let url: string;
  const call = (number: string, attemptId: string, handOff: 'continue' | 'move' = 'continue') =>
    runReferenceCall({
      rest,
      recorder: dialer,
      app: 'dialstate',
      timeScale: TIME_SCALE,
      number,
      attemptId,
      handOff,
    });

  /** Originates a human's call with `variables`, waits for the answer, continues it into the hop. */
  async function answeredIntoHop(id: string, variables: Record<string, string>): Promise<number> {
    const from = dialer.events.length;
    await rest.post(
      '/channels',
      {
        endpoint: 'Local/5550101@from-internal',
        app: 'dialstate',
        appArgs: `dial,${id}`,
        channelId: id,
      },
      { variables: { __DIALSTATE_ATTEMPT_ID: id, ...variables } },
    );
    await dialer.waitFor((e) => e.type === 'StasisStart' && e.channel?.id === id, { from });
    await rest.post(`/channels/${id}/continue`, { context: 'aava-outbound-amd' });
    return from;
  }

  beforeAll(async () => {
    sim = createSimulator({ user: 'dialstate', password: 'secret', timeScale: TIME_SCALE });
    ({ url } = await sim.start());
    rest = ariRest(url);
    dialer = await EventRecorder.connect(url, 'dialstate');
  });

  afterAll(async () => {
    dialer.close();
    await sim.stop();
  });

  it('refuses with congestion: Dial CONGESTION, ;1 cause 0 and ;2 cause 34', async () => {
    const facts = callFacts(await call('5550109', 'congestion'), 'dialstate-congestion', {
      amdArgsHaveId: true,
    });
    expect(facts.dialStatuses).toEqual(['', 'CONGESTION']);
    expect(facts.destroyed).toEqual({
      local: { cause: 0, state: 'Down' },
      peer: { cause: 34, state: 'Busy' },
    });
  });

  it('rejects an invalid number with cause 1 on both halves and no terminal dial status', async () => {
    const facts = callFacts(await call('5550110', 'invalid'), 'dialstate-invalid', {
      amdArgsHaveId: true,
    });
    expect(facts.dialStatuses).toEqual(['']);
    expect(facts.hangupRequests.local).toEqual(['1']);
    expect(facts.destroyed).toEqual({
      local: { cause: 1, state: 'Down' },
      peer: { cause: 1, state: 'Ring' },
    });
  });

  it('reports HANGUP from AMD and never returns to Stasis when the callee hangs up during AMD', async () => {
    const events = await call('5550111', 'amd-hangup');
    const amd = events.filter((e) => e.type === 'ChannelVarset' && e.variable === 'AMDSTATUS');
    expect(amd.map((e) => e.value)).toEqual(['HANGUP']);
    expect(types(events, 'dialstate-amd-hangup')).toEqual([
      'ChannelStateChange',
      'ChannelStateChange',
      'StasisStart',
      'StasisEnd',
      'ChannelHangupRequest',
      'ChannelDestroyed',
    ]);
    // As Asterisk 22: `;2` asks first (16, soft), then `;1`, then both halves go; and
    // no `h` extension of the AMD context runs.
    const order = events
      .filter((e) => e.type === 'ChannelHangupRequest' || e.type === 'ChannelDestroyed')
      .map((e) => `${e.type} ${e.channel?.id} ${String(e.cause)}${e.soft ? 's' : ''}`);
    expect(order).toEqual([
      'ChannelHangupRequest dialstate-amd-hangup;2 16s',
      'ChannelHangupRequest dialstate-amd-hangup 16',
      'ChannelDestroyed dialstate-amd-hangup;2 16',
      'ChannelDestroyed dialstate-amd-hangup 16',
    ]);
    const amdSteps = events.filter(
      (e) => e.type === 'ChannelDialplan' && e.channel?.dialplan.context === 'aava-outbound-amd',
    );
    expect(amdSteps.map((e) => e.channel?.dialplan.exten)).not.toContain('h');
  });

  it('fails a prompt the callee hangs up on', async () => {
    const facts = callFacts(await call('5550112', 'prompt-hangup'), 'dialstate-prompt-hangup', {
      amdArgsHaveId: true,
    });
    expect(facts.playbackFinished).toEqual(['failed']);
    expect(facts.hangupRequests.local).toEqual(['16']);
    // The hang-up is requested on our half before the prompt is cut short.
    expect(facts.localTypes.slice(-4)).toEqual([
      'ChannelHangupRequest',
      'PlaybackFinished',
      'StasisEnd',
      'ChannelDestroyed',
    ]);
  });

  it('fails a voicemail drop the machine hangs up on', async () => {
    const facts = callFacts(await call('5550113', 'vm-hangup'), 'dialstate-vm-hangup', {
      amdArgsHaveId: true,
    });
    expect(facts.playbackFinished).toEqual(['failed']);
    expect(facts.hangupRequests.local).toEqual(['16']);
    expect(facts.localTypes.slice(-4)).toEqual([
      'ChannelHangupRequest',
      'PlaybackFinished',
      'StasisEnd',
      'ChannelDestroyed',
    ]);
  });

  it('hands a moved channel to the built-in agent, which hangs up after the talk time', async () => {
    const events = await call('5550101', 'agent', 'move');
    const facts = callFacts(events, 'dialstate-agent', { amdArgsHaveId: true });
    expect(facts.localTypes.slice(-3)).toEqual([
      'StasisEnd',
      'ChannelHangupRequest',
      'ChannelDestroyed',
    ]);
    expect(facts.hangupRequests.local).toEqual(['32s']);
    expect(facts.destroyed.local).toEqual({ cause: 16, state: 'Up' });
  });

  it('lets the callee end the hand-off before the agent does', async () => {
    const facts = callFacts(await call('5550115', 'talk-hangup', 'move'), 'dialstate-talk-hangup', {
      amdArgsHaveId: true,
    });
    expect(facts.hangupRequests.local).toEqual(['16']);
  });

  it('ends a slow answer as no answer when the originate timeout is shorter than its ring', async () => {
    const from = dialer.events.length;
    await rest.post('/channels', {
      endpoint: 'Local/5550114@from-internal',
      app: 'dialstate',
      channelId: 'slow',
      timeout: 5,
    });
    await dialer.waitFor((e) => e.type === 'ChannelDestroyed' && e.channel?.id === 'slow;2', {
      from,
    });
    const facts = callFacts(dialer.events.slice(from), 'slow', { amdArgsHaveId: true });
    expect(facts.destroyed).toEqual({
      local: { cause: 19, state: 'Ringing' },
      peer: { cause: 19, state: 'Ring' },
    });
  });

  it('hangs up with the cause a reason asks for, still reporting the soft-hangup flag first', async () => {
    const from = dialer.events.length;
    await rest.post('/channels', {
      endpoint: 'Local/5550108@from-internal',
      app: 'dialstate',
      channelId: 'reason',
    });
    await dialer.waitFor((e) => e.type === 'Dial' && e.dialstatus === 'RINGING', { from });
    await rest.delete('/channels/reason', { reason: 'busy' });
    const facts = callFacts(dialer.events.slice(from), 'reason', { amdArgsHaveId: true });
    expect(facts.hangupRequests).toEqual({ local: ['32s'], peer: ['17', '16s'] });
    expect(facts.destroyed).toEqual({
      local: { cause: 17, state: 'Ringing' },
      peer: { cause: 17, state: 'Ring' },
    });
  });

  it('retries the AMD return while no websocket holds the app, then hangs up with a log line', async () => {
    const from = await answeredIntoHop('lost', { DIALSTATE_HOP_WAIT_MS: '1000' });
    await dialer.waitFor((e) => e.type === 'ChannelDestroyed' && e.channel?.id === 'lost;2', {
      from,
    });
    const events = dialer.events.slice(from);
    expect(events.filter((e) => e.variable === 'AMD_APP').map((e) => e.value)).toEqual(['dialer']);
    // Tried at 0, 500 and 1000 ms, then given up.
    expect(events.filter((e) => e.variable === 'STASISSTATUS').map((e) => e.value)).toEqual([
      '',
      'FAILED',
      'FAILED',
      'FAILED',
      'SUCCESS',
    ]);
    const steps = events
      .filter((e) => e.type === 'ChannelDialplan' && e.channel?.id === 'lost')
      .map((e) => String(e.dialplan_app));
    expect(steps.filter((app) => app === 'Wait')).toHaveLength(2);
    const giveUp = events.find((e) => e.type === 'ChannelDialplan' && e.dialplan_app === 'Log');
    expect(giveUp?.dialplan_app_data).toBe(
      'WARNING,dialstate AMD hop: Stasis app dialer not connected for 1000 ms - hanging up attempt lost after AMD HUMAN',
    );
    expect(types(events, 'lost').filter((t) => t === 'StasisStart')).toHaveLength(1);
  });

  it('returns the AMD verdict to the app once its websocket is back within the wait', async () => {
    const from = await answeredIntoHop('later', { DIALSTATE_STASIS_APP: 'restarting' });
    await dialer.waitFor((e) => e.variable === 'STASISSTATUS' && e.value === 'FAILED', { from });
    // The app comes back (a restarted dialer) and the hop's next try finds it.
    const restarted = await EventRecorder.connect(url, 'restarting');
    try {
      const back = await restarted.waitFor(
        (e) => e.type === 'StasisStart' && e.channel?.id === 'later',
      );
      expect(back.args).toEqual(['amd', 'later', 'HUMAN', 'HUMAN-800-800']);
      await rest.delete('/channels/later');
    } finally {
      restarted.close();
    }
  });

  it("keeps the verdict on a channel back in Stasis whose app's websocket went, and tells the app's next websocket nothing", async () => {
    const dying = await EventRecorder.connect(url, 'vanishing');
    await rest.post(
      '/channels',
      { endpoint: 'Local/5550101@from-internal', app: 'dialstate', channelId: 'kept' },
      { variables: { __DIALSTATE_ATTEMPT_ID: 'kept', DIALSTATE_STASIS_APP: 'vanishing' } },
    );
    await dialer.waitFor((e) => e.type === 'StasisStart' && e.channel?.id === 'kept');
    // Not set before AMD: 404, as checks.jsonl shows for a variable that is not set.
    const unset = await rest.get('/channels/kept/variable', { variable: 'DIALSTATE_AMDSTATUS' });
    expect({ status: unset.status, body: unset.body }).toEqual({
      status: 404,
      body: { message: 'Provided variable was not found' },
    });
    await rest.post('/channels/kept/continue', { context: 'aava-outbound-amd' });
    const back = await dying.waitFor((e) => e.type === 'StasisStart' && e.channel?.id === 'kept');
    expect(back.args).toEqual(['amd', 'kept', 'HUMAN', 'HUMAN-800-800']);
    // The dialer that got it dies: its websocket goes, the channel stays in Stasis.
    dying.close();
    await vi.waitFor(async () =>
      expect((await rest.get('/applications/vanishing')).status).toBe(404),
    );

    // What a dialer connecting next can read: the hop's Stasis step (fact 6) and its copies.
    const channel = await rest.get('/channels/kept');
    expect(channel.body).toMatchObject({
      dialplan: {
        context: 'aava-outbound-amd',
        exten: 's',
        app_name: 'Stasis',
        app_data: 'vanishing,amd,kept,HUMAN,HUMAN-800-800',
      },
    });
    const variable = async (name: string) =>
      (await rest.get('/channels/kept/variable', { variable: name })).body;
    expect(await variable('DIALSTATE_AMDSTATUS')).toEqual({ value: 'HUMAN' });
    expect(await variable('DIALSTATE_AMDCAUSE')).toEqual({ value: 'HUMAN-800-800' });
    // No StasisStart again for a channel already in the app: only later events come.
    const next = await EventRecorder.connect(url, 'vanishing');
    try {
      await rest.post('/channels/kept/variable', { variable: 'MARK', value: '1' });
      await next.waitFor((e) => e.type === 'ChannelVarset' && e.variable === 'MARK');
      expect(next.about('kept').map((e) => e.type)).toEqual(['ChannelVarset']);
      await rest.delete('/channels/kept');
    } finally {
      next.close();
    }
  });

  it('takes the AMDCAUSE numbers and the verdict time from the AMD parameters sent', async () => {
    const from = await answeredIntoHop('params', {
      DIALSTATE_STASIS_APP: 'dialstate',
      DIALSTATE_AMD_OPTS: '2000,2000,1000,5000,100,50,10,256,5000',
    });
    const verdict = await dialer.waitFor(
      (e) => e.type === 'StasisStart' && e.channel?.id === 'params' && e.args?.[0] === 'amd',
      { from },
    );
    expect(verdict.args).toEqual(['amd', 'params', 'HUMAN', 'HUMAN-1000-1000']);
    const amdStep = dialer.events
      .slice(from)
      .find((e) => e.type === 'ChannelDialplan' && e.dialplan_app === 'AMD');
    expect(amdStep?.dialplan_app_data).toBe('2000,2000,1000,5000,100,50,10,256,5000');
    await rest.delete('/channels/params');
  });

  it('reports a move to an app nobody holds with ApplicationMoveFailed and keeps the channel', async () => {
    const from = dialer.events.length;
    await rest.post('/channels', {
      endpoint: 'Local/5550101@from-internal',
      app: 'dialstate',
      channelId: 'stay',
    });
    await dialer.waitFor((e) => e.type === 'StasisStart' && e.channel?.id === 'stay', { from });
    expect((await rest.post('/channels/stay/move', { app: 'nobody' })).status).toBe(204);
    const failed = await dialer.waitFor((e) => e.type === 'ApplicationMoveFailed', { from });
    expect(failed).toMatchObject({ destination: 'nobody', args: [], channel: { id: 'stay' } });
    expect((await rest.post('/channels/stay/play', { media: 'sound:hello' })).status).toBe(201);
    await rest.delete('/channels/stay');
  });

  it('creates a channel in Stasis without dialing, evaluates DIALPLAN_EXISTS on it, and dials it on request', async () => {
    const from = dialer.events.length;
    const created = await rest.post('/channels/create', {
      endpoint: 'Local/5550101@from-internal',
      app: 'dialstate',
      appArgs: 'doctor',
      channelId: 'made',
    });
    expect(created.status).toBe(200);
    await dialer.waitFor((e) => e.type === 'StasisStart' && e.channel?.id === 'made', { from });
    const exists = await rest.get('/channels/made/variable', {
      variable: 'DIALPLAN_EXISTS(aava-outbound-amd,s,1)',
    });
    expect(exists.body).toEqual({ value: '1' });
    expect((await rest.post('/channels/made/dial', { timeout: 10 })).status).toBe(204);
    await dialer.waitFor((e) => e.type === 'Dial' && e.dialstatus === 'ANSWER', { from });
    expect((await rest.post('/channels/made/dial')).status).toBe(409);
    await rest.delete('/channels/made');
    await dialer.waitFor((e) => e.type === 'ChannelDestroyed' && e.channel?.id === 'made;2', {
      from,
    });
    expect(
      types(dialer.events.slice(from), 'made').filter((t) => t === 'StasisStart'),
    ).toHaveLength(1);
  });

  it('queues playbacks on a channel and finishes a stopped one as done', async () => {
    const from = dialer.events.length;
    await rest.post('/channels', {
      endpoint: 'Local/5550101@from-internal',
      app: 'dialstate',
      channelId: 'queue',
    });
    await dialer.waitFor((e) => e.type === 'StasisStart' && e.channel?.id === 'queue', { from });
    await rest.post('/channels/queue/play', { media: 'sound:vm-intro', playbackId: 'long' });
    const second = await rest.post('/channels/queue/play', {
      media: 'sound:beep',
      playbackId: 'short',
    });
    expect(second.body).toMatchObject({ id: 'short', state: 'queued' });
    await dialer.waitFor((e) => e.type === 'PlaybackStarted' && e.playback?.id === 'long', {
      from,
    });
    expect((await rest.get('/playbacks/short')).body).toMatchObject({ state: 'queued' });
    expect((await rest.delete('/playbacks/long')).status).toBe(204);
    await dialer.waitFor((e) => e.type === 'PlaybackFinished' && e.playback?.id === 'short', {
      from,
    });
    const playbackEvents = dialer.events
      .slice(from)
      .filter((e) => e.playback)
      .map((e) => `${e.type} ${e.playback?.id} ${e.playback?.state}`);
    expect(playbackEvents).toEqual([
      'PlaybackStarted long playing',
      'PlaybackFinished long done',
      'PlaybackStarted short playing',
      'PlaybackFinished short done',
    ]);
    await rest.delete('/channels/queue');
  });

  it('stops the playing prompt when the channel is continued, and never starts the queued ones', async () => {
    const from = dialer.events.length;
    await rest.post('/channels', {
      endpoint: 'Local/5550101@from-internal',
      app: 'dialstate',
      channelId: 'onward',
    });
    await dialer.waitFor((e) => e.type === 'StasisStart' && e.channel?.id === 'onward', { from });
    await rest.post('/channels/onward/play', { media: 'sound:vm-intro', playbackId: 'playing' });
    await rest.post('/channels/onward/play', { media: 'sound:beep', playbackId: 'queued' });
    await dialer.waitFor((e) => e.type === 'PlaybackStarted' && e.playback?.id === 'playing', {
      from,
    });
    await rest.post('/channels/onward/continue', {
      context: 'ai-agent',
      extension: 's',
      priority: 1,
    });
    await dialer.waitFor((e) => e.type === 'ChannelDestroyed' && e.channel?.id === 'onward;2', {
      from,
    });
    const events = dialer.events.slice(from);
    const sequence = events
      .filter((e) => e.playback || (e.channel?.id === 'onward' && e.type === 'StasisEnd'))
      .map((e) => (e.playback ? `${e.type} ${e.playback.id} ${e.playback.state}` : e.type));
    expect(sequence).toEqual([
      'PlaybackStarted playing playing',
      'PlaybackFinished playing done',
      'StasisEnd',
    ]);
    expect((await rest.get('/playbacks/queued')).status).toBe(404);
  });
});

describe('the simulated far ends in scenario time', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sim-far-ends-'));
    writeFileSync(path.join(dir, 'consent.ulaw'), Buffer.alloc(16_000));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps exact scenario timing with an injected clock: ring, answer and a 2 s recording', async () => {
    const { clock, advance } = createManualClock();
    const sim = createSimulator({ user: 'dialstate', password: 'secret', clock, mediaDir: dir });
    const { url } = await sim.start();
    const rest = ariRest(url);
    const dialer = await EventRecorder.connect(url, 'dialstate');
    const at = (event: AriEvent) => Date.parse(String(event.timestamp).replace('+0000', 'Z'));

    await rest.post('/channels', {
      endpoint: 'Local/5550101@from-internal',
      app: 'dialstate',
      channelId: 'timed',
    });
    advance(0);
    const ringing = await dialer.waitFor((e) => e.type === 'Dial' && e.dialstatus === 'RINGING');
    advance(999);
    await dialer.flush();
    expect(dialer.events.some((e) => e.type === 'StasisStart')).toBe(false);
    advance(1);
    const answered = await dialer.waitFor((e) => e.type === 'StasisStart');
    expect(at(answered) - at(ringing)).toBe(1000);

    await rest.post('/channels/timed/play', { media: 'sound:consent', playbackId: 'p' });
    advance(0);
    const started = await dialer.waitFor((e) => e.type === 'PlaybackStarted');
    advance(1999);
    await dialer.flush();
    expect(dialer.events.some((e) => e.type === 'PlaybackFinished')).toBe(false);
    advance(1);
    const finished = await dialer.waitFor((e) => e.type === 'PlaybackFinished');
    expect(at(finished) - at(started)).toBe(2000);
    expect(finished.playback?.state).toBe('done');

    dialer.close();
    await sim.stop();
  });

  it('runs a call through its whole scenario as fast as possible at timeScale 0', async () => {
    const sim = createSimulator({ user: 'dialstate', password: 'secret', timeScale: 0 });
    const { url } = await sim.start();
    const dialer = await EventRecorder.connect(url, 'dialstate');
    const startedAt = Date.now();
    await ariRest(url).post('/channels', {
      endpoint: 'Local/5550108@from-internal',
      app: 'dialstate',
      channelId: 'fast',
      timeout: 30,
    });
    await dialer.waitFor((e) => e.type === 'ChannelDestroyed' && e.channel?.id === 'fast;2');
    // Its 30 s ring timeout does not run in real time; the bound leaves room for a
    // machine busy with other work.
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(callFacts(dialer.events, 'fast', { amdArgsHaveId: true }).destroyed.local).toEqual({
      cause: 19,
      state: 'Ringing',
    });
    dialer.close();
    await sim.stop();
  });
});
