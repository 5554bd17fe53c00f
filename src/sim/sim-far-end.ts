import type { SimCall } from './sim-call.js';
import { CAUSE } from './sim-causes.js';
import {
  endMissingOriginateContext,
  endOnRingTimeout,
  endRefused,
  hangUpFarEnd,
  hangUpInDialplan,
} from './sim-hangup.js';
import type { Callee } from './sim-scenarios.js';
import { enterStasis } from './sim-stasis.js';
import type { SimWorld } from './sim-world.js';

// Answer() on `;2` returns about 0.5 s after the answer: far-end audio starts then.
const AUDIO_START_MS = 500;
// SendDTMF(d,100,250): a 100 ms gap, then a 250 ms tone; the event comes at its end (fact 13).
const DTMF_GAP_MS = 100;
const DTMF_TONE_MS = 250;
// The traces' far ends hang up by themselves after long silences.
const HUMAN_SILENCE_S = 60;
const MACHINE_SILENCE_S = 30;
// Wait() of a far end that never answers.
const NO_ANSWER_WAIT_S = 600;

interface AudioStep {
  readonly data: string;
  readonly ms: number;
  readonly speech: boolean;
}

const SILENCE: AudioStep = { data: 'silence/1', ms: 1000, speech: false };

/**
 * What each callee plays once it answered, as `Playback()` steps of `;2`. The traces'
 * far ends play real audio, silence included, because AMD needs frames; each step ends
 * with `PLAYBACKSTATUS=SUCCESS`. After its last step the callee hangs up (cause 16).
 */
const AUDIO: Readonly<Record<Callee, readonly AudioStep[]>> = {
  human: [
    SILENCE,
    { data: 'hello', ms: 790, speech: true },
    ...Array<AudioStep>(HUMAN_SILENCE_S).fill(SILENCE),
  ],
  machine: [
    // "The person at extension 5 5 1 2 is unavailable. Please leave your message…"
    {
      data: 'vm-theperson&digits/5&digits/5&digits/1&digits/2&vm-isunavail&vm-intro',
      ms: 12230,
      speech: true,
    },
    { data: 'beep', ms: 430, speech: true },
    ...Array<AudioStep>(MACHINE_SILENCE_S).fill(SILENCE),
  ],
  silent: Array<AudioStep>(HUMAN_SILENCE_S).fill(SILENCE),
};

/**
 * Starts dialing: the first instant of an originate (facts 2–4). `;2` reports the
 * originate variables as sent, its caller id and connected line; the dial starts (`Dial`
 * with an empty status), and the far end of the call's scenario takes over: it rings
 * (`;1` Ringing, `Dial RINGING`) and answers or not, or refuses at once.
 */
export function startDial(world: SimWorld, call: SimCall): void {
  if (call.ended) return;
  const { local, peer, scenario } = call;
  const { events } = world;
  call.dialed = true;
  for (const [name, value] of call.originateVariables) {
    if (name.includes('(')) continue;
    peer.setVariable(name, value);
    events.channel('ChannelVarset', peer, { variable: name, value });
  }
  peer.identify({ caller: local.caller, connected: local.connected });
  events.channel('ChannelCallerId', peer, {
    caller_presentation: 0,
    caller_presentation_txt: 'Presentation Allowed, Not Screened',
  });
  events.channel('ChannelConnectedLine', peer);
  if (!call.direct && !world.dialplan.dialContexts.includes(call.context)) {
    endMissingOriginateContext(world, call);
    return;
  }
  events.dial(local, '', call.dialstring);
  peerStep(world, call, 'NoOp', `SIM ${scenario.name}: ${scenario.summary}`, 1);
  switch (scenario.dial) {
    case 'busy':
      refuse(world, call, 'Busy', CAUSE.userBusy, 'BUSY');
      return;
    case 'congestion':
      refuse(world, call, 'Congestion', CAUSE.congestion, 'CONGESTION');
      return;
    case 'invalid-number':
      // A trunk's rejection is a hangup, not an indication: no terminal Dial status.
      hangUpFarEnd(world, call, CAUSE.unallocated);
      return;
    case 'no-answer':
      ring(world, call, NO_ANSWER_WAIT_S);
      break;
    case 'answer':
      ring(world, call, scenario.ringMs / 1000);
      call.after(scenario.ringMs, () => answer(world, call));
      scheduleCallee(world, call);
      break;
  }
  if (call.ringTimeoutMs !== null) {
    call.after(call.ringTimeoutMs, () => {
      if (call.answeredAt === null) endOnRingTimeout(world, call);
    });
  }
}

function refuse(
  world: SimWorld,
  call: SimCall,
  app: string,
  cause: number,
  dialstatus: string,
): void {
  const { peer } = call;
  peerStep(world, call, app, '10');
  peer.state = 'Busy';
  world.events.channel('ChannelStateChange', peer);
  peer.ownCause = cause;
  endRefused(world, call, dialstatus);
}

function ring(world: SimWorld, call: SimCall, waitSeconds: number): void {
  const { local } = call;
  const { events } = world;
  peerStep(world, call, 'Ringing', '');
  local.state = 'Ringing';
  events.channel('ChannelStateChange', local);
  peerStep(world, call, 'Wait', String(waitSeconds));
  call.dialStatus = 'RINGING';
  events.dial(local, 'RINGING', call.dialstring);
}

/** The answer, in fact 5's order; an originated channel then enters its app. */
function answer(world: SimWorld, call: SimCall): void {
  const { local, peer } = call;
  const { events } = world;
  peerStep(world, call, 'Answer', '');
  peer.state = 'Up';
  events.channel('ChannelStateChange', peer);
  local.state = 'Up';
  events.channel('ChannelStateChange', local);
  call.dialStatus = 'ANSWER';
  events.dial(local, 'ANSWER', call.dialstring);
  call.answeredAt = world.scheduler.now();
  playAudio(world, call);
  if (!call.created) {
    local.step(call.context, call.number, 1, 'Stasis', [call.app, ...call.appArgs].join(','));
    if (!enterStasis(world, call, call.app, call.appArgs, 'originate')) {
      hangUpInDialplan(world, call, CAUSE.normalClearing);
      return;
    }
  }
  call.reach('answer');
}

/** Schedules the callee's own actions: its keypress and its hang-up. */
function scheduleCallee(world: SimWorld, call: SimCall): void {
  const { keypress, hangUp } = call.scenario;
  if (keypress) {
    call.onAnchor('playback', () => {
      call.after(Math.max(0, keypress.afterPlaybackMs - DTMF_GAP_MS - DTMF_TONE_MS), () => {
        peerStep(world, call, 'SendDTMF', `${keypress.digit},${DTMF_GAP_MS},${DTMF_TONE_MS}`);
        call.after(DTMF_GAP_MS + DTMF_TONE_MS, () => {
          world.events.channel('ChannelDtmfReceived', call.local, {
            digit: keypress.digit,
            duration_ms: DTMF_TONE_MS,
          });
        });
      });
    });
  }
  if (hangUp) {
    call.onAnchor(hangUp.after, () => {
      call.after(hangUp.ms, () => hangUpFarEnd(world, call, CAUSE.normalClearing));
    });
  }
}

/** Plays the callee's audio on `;2` and records its speech for TALK_DETECT. */
function playAudio(world: SimWorld, call: SimCall): void {
  const steps = AUDIO[call.scenario.callee];
  const audioStart = (call.answeredAt ?? 0) + AUDIO_START_MS;
  let offset = audioStart;
  call.speech = [];
  for (const step of steps) {
    if (step.speech) call.speech.push({ start: offset, end: offset + step.ms });
    offset += step.ms;
  }
  let priority = call.peer.dialplan.priority;
  const play = (index: number): void => {
    const step = steps[index];
    if (!step) {
      hangUpFarEnd(world, call, CAUSE.normalClearing);
      return;
    }
    // Repeated silence is one looping step of the far end's dialplan.
    if (!(step === SILENCE && steps[index - 1] === SILENCE)) priority += 1;
    peerStep(world, call, 'Playback', step.data, priority);
    call.peerInPlayback = true;
    call.after(step.ms, () => {
      call.peerInPlayback = false;
      call.peer.setVariable('PLAYBACKSTATUS', 'SUCCESS');
      world.events.channel('ChannelVarset', call.peer, {
        variable: 'PLAYBACKSTATUS',
        value: 'SUCCESS',
      });
      play(index + 1);
    });
  };
  call.after(AUDIO_START_MS, () => play(0));
}

/** Moves `;2` to its next dialplan step and reports it. */
function peerStep(
  world: SimWorld,
  call: SimCall,
  app: string,
  data: string,
  priority = call.peer.dialplan.priority + 1,
): void {
  call.peer.step(call.context, call.number, priority, app, data);
  world.events.channel('ChannelDialplan', call.peer, {
    dialplan_app: app,
    dialplan_app_data: data,
  });
}
