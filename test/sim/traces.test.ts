import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/sim/simulator.js';
import { type AriEvent, type AriRest, ariRest, EventRecorder } from './support/ari-recorder.js';
import { callFacts } from './support/call-facts.js';
import { loadTrace } from './support/real-ari.js';
import { TraceDriver } from './support/trace-driver.js';

const TIME_SCALE = 0.03;
/**
 * The talk span's test runs slower: the span counts from the moment TALK_DETECT is set,
 * so every real ms the driver's request takes to land shortens it by 1 / scale scenario
 * ms. At 0.03 a 27 ms stall of a loaded machine used up the whole 800 ms of slack; at
 * 0.2 it takes 160 ms (the trace lasts 22 s of scenario time, 4.5 s here).
 */
const TALK_SPAN_TIME_SCALE = 0.2;

/** How each trace's dialer behaved (README "How each call was driven"), and the number it maps to. */
const TRACE_RUNS: Record<string, { endpoint: string; drive: (d: TraceDriver) => Promise<void> }> = {
  human: {
    endpoint: 'Local/5550101@from-internal',
    async drive(d) {
      await d.originate(this.endpoint);
      await d.waitForStasis('dial');
      await d.post('/continue', { context: 'aava-outbound-amd', extension: 's', priority: 1 });
      await d.waitForStasis('amd');
      await d.post('/variable', {
        variable: 'AI_CONTEXT',
        value: `attempt=${d.attemptId} lead=42`,
      });
      await d.post('/variable', { variable: 'AI_PROVIDER', value: 'stub' });
      await d.post('/move', { app: 'ai-agent', appArgs: `handoff,${d.attemptId}` });
      await d.waitForAgent('StasisStart');
      await d.sleep(2000);
      await d.hangUp();
    },
  },
  machine: {
    endpoint: 'Local/5550104@from-internal',
    async drive(d) {
      await d.originate(this.endpoint);
      await d.waitForStasis('dial');
      await d.post('/continue', { context: 'aava-outbound-amd', extension: 's', priority: 1 });
      await d.waitForStasis('amd');
      await d.post('/play', { media: 'sound:vm-intro', playbackId: `${d.attemptId}-vm` });
      await d.waitFor('PlaybackFinished');
      await d.hangUp();
    },
  },
  'consent-accept': {
    endpoint: 'Local/5550101@from-internal',
    async drive(d) {
      await consentPrompt(d, this.endpoint);
      await d.waitFor('ChannelDtmfReceived', (e) => e.digit === '1');
      await d.post('/variable', {
        variable: 'AI_CONTEXT',
        value: `attempt=${d.attemptId} lead=42`,
      });
      await d.post('/variable', { variable: 'AI_PROVIDER', value: 'stub' });
      await d.post('/continue', { context: 'ai-handoff', extension: 's', priority: 1 });
    },
  },
  'consent-deny': {
    endpoint: 'Local/5550102@from-internal',
    async drive(d) {
      await consentPrompt(d, this.endpoint);
      await d.waitFor('ChannelDtmfReceived', (e) => e.digit === '2');
      await d.hangUp();
    },
  },
  'consent-timeout': {
    endpoint: 'Local/5550103@from-internal',
    async drive(d) {
      await consentPrompt(d, this.endpoint);
      await d.sleep(8000);
      await d.hangUp();
    },
  },
  busy: {
    endpoint: 'Local/5550107@from-internal',
    async drive(d) {
      await d.originate(this.endpoint);
    },
  },
  noanswer: {
    endpoint: 'Local/5550108@from-internal',
    async drive(d) {
      await d.originate(this.endpoint);
    },
  },
  'originate-bad-context': {
    endpoint: 'Local/123@no-such-context',
    async drive(d) {
      await d.originate(this.endpoint);
      await d.ended();
      await d.sleep(2000);
      await d.get(`/channels/${encodeURIComponent(d.id)}`);
    },
  },
  'originate-duplicate-id': {
    endpoint: 'Local/5550101@from-internal',
    async drive(d) {
      await d.originate(this.endpoint);
      await d.originate(this.endpoint);
      await d.waitForStasis('dial');
      await d.originate(this.endpoint);
      await d.get(`/channels/${encodeURIComponent(d.id)}`);
      await d.hangUp();
    },
  },
  'continue-bad-context': {
    endpoint: 'Local/5550101@from-internal',
    async drive(d) {
      await d.originate(this.endpoint);
      await d.waitForStasis('dial');
      await d.post('/continue', { context: 'no-such-context', extension: 's', priority: 1 });
    },
  },
  'play-missing-media': {
    endpoint: 'Local/5550101@from-internal',
    async drive(d) {
      await d.originate(this.endpoint);
      await d.waitForStasis('dial');
      await d.post('/play', {
        media: 'sound:does-not-exist',
        playbackId: `${d.attemptId}-missing`,
      });
      await d.waitFor('PlaybackFinished');
      await d.get(`/playbacks/${d.attemptId}-missing`);
      await d.sleep(1000);
      await d.hangUp();
    },
  },
  'hangup-by-dialer-during-ring': {
    endpoint: 'Local/5550108@from-internal',
    async drive(d) {
      await d.originate(this.endpoint);
      await d.waitFor('Dial', (e) => e.dialstatus === 'RINGING');
      await d.sleep(2000);
      await d.hangUp();
    },
  },
  'talk-detect': {
    endpoint: 'Local/5550104@from-internal',
    async drive(d) {
      await d.originate(this.endpoint);
      await d.waitForStasis('dial');
      await d.post('/continue', { context: 'aava-outbound-amd', extension: 's', priority: 1 });
      await d.waitForStasis('amd');
      await d.post('/variable', { variable: 'TALK_DETECT(set)' });
      await d.waitFor('ChannelTalkingFinished');
      await d.post('/play', { media: 'sound:vm-intro', playbackId: `${d.attemptId}-vm` });
      await d.waitFor('PlaybackFinished');
      await d.hangUp();
    },
  },
};

async function consentPrompt(d: TraceDriver, endpoint: string): Promise<void> {
  await d.originate(endpoint);
  await d.waitForStasis('dial');
  await d.post('/continue', { context: 'aava-outbound-amd', extension: 's', priority: 1 });
  await d.waitForStasis('amd');
  await d.post('/play', { media: 'sound:if-correct-press', playbackId: `${d.attemptId}-consent` });
}

/** A simulator at `timeScale` with the trace apps' event sockets connected. */
interface TraceWorld {
  sim: Simulator;
  rest: AriRest;
  dialer: EventRecorder;
  agent: EventRecorder;
}

async function startWorld(timeScale: number): Promise<TraceWorld> {
  const sim = createSimulator({
    user: 'dialstate',
    password: 'secret',
    timeScale,
    aiContexts: ['ai-handoff'],
  });
  const { url } = await sim.start();
  return {
    sim,
    rest: ariRest(url),
    dialer: await EventRecorder.connect(url, 'trace-dialer'),
    agent: await EventRecorder.connect(url, 'ai-agent'),
  };
}

async function stopWorld(world: TraceWorld): Promise<void> {
  world.dialer.close();
  world.agent.close();
  await world.sim.stop();
}

describe('the simulator against the recorded Asterisk 22 traces', () => {
  let world: TraceWorld;
  let rest: AriRest;
  let dialer: EventRecorder;
  let agent: EventRecorder;

  beforeAll(async () => {
    world = await startWorld(TIME_SCALE);
    ({ rest, dialer, agent } = world);
  });

  afterAll(() => stopWorld(world));

  for (const [name, run] of Object.entries(TRACE_RUNS)) {
    it(`reproduces the ${name} trace`, async () => {
      const trace = loadTrace(name);
      const traceId = `trace-${name}-1`;
      const driver = new TraceDriver({
        rest,
        dialer,
        agent,
        timeScale: TIME_SCALE,
        attemptId: traceId,
      });
      await run.drive(driver);
      await driver.ended();

      const traceEvents = (app: string) =>
        trace
          .filter((line) => line.dir === 'event' && line.app === app)
          .map((line) => line.msg as AriEvent);
      const expected = callFacts(traceEvents('trace-dialer'), traceId, { amdArgsHaveId: false });
      const actual = callFacts(driver.dialerEvents, driver.id, { amdArgsHaveId: true });
      expect(actual.localTypes).toEqual(expected.localTypes);
      expect(actual.dialStatuses).toEqual(expected.dialStatuses);
      expect(actual.hangupRequests).toEqual(expected.hangupRequests);
      expect(actual.destroyed).toEqual(expected.destroyed);
      expect(actual.stasisArgs).toEqual(expected.stasisArgs);
      expect(actual.playbackFinished).toEqual(expected.playbackFinished);
      // Noise counts differ; where the trace has it, the simulator has it too.
      for (const [kind, present] of Object.entries(expected.noise)) {
        if (present)
          expect({ kind, present: actual.noise[kind as keyof typeof actual.noise] }).toEqual({
            kind,
            present,
          });
      }
      const agentExpected = traceEvents('ai-agent')
        .filter((e) => e.channel?.id === traceId)
        .map((e) => e.type);
      expect(
        driver.agentEvents.filter((e) => e.channel?.id === driver.id).map((e) => e.type),
      ).toEqual(agentExpected);

      const expectedAnswers = trace
        .filter((line) => line.dir === 'response' && line.msg.status !== 101)
        .map((line) => ({
          status: line.msg.status,
          message: (line.msg.body as { message?: string } | null)?.message,
        }));
      expect(
        driver.calls.map((call) => ({
          status: call.status,
          message: (call.body as { message?: string } | null)?.message,
        })),
      ).toEqual(expectedAnswers);
    });
  }
});

describe("the simulator's talk detection against the recorded trace", () => {
  let world: TraceWorld;
  beforeAll(async () => {
    world = await startWorld(TALK_SPAN_TIME_SCALE);
  });
  afterAll(() => stopWorld(world));

  it('reports the talk span of the talk-detect trace within scheduling slack', async () => {
    const finished = loadTrace('talk-detect').find(
      (line) => line.msg.type === 'ChannelTalkingFinished',
    );
    const driver = new TraceDriver({
      rest: world.rest,
      dialer: world.dialer,
      agent: world.agent,
      timeScale: TALK_SPAN_TIME_SCALE,
      attemptId: 'talk-span',
    });
    await TRACE_RUNS['talk-detect']?.drive.call(TRACE_RUNS['talk-detect'], driver);
    await driver.ended();
    const ours = driver.dialerEvents.find((e) => e.type === 'ChannelTalkingFinished');
    expect(Math.abs(Number(ours?.duration) - Number(finished?.msg.duration))).toBeLessThan(800);
  });
});
