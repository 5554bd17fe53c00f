import type { SimAava } from './sim-aava-state.js';
import type { StasisApps } from './sim-apps.js';
import type { SimCall } from './sim-call.js';
import type { SimEvents } from './sim-events.js';
import type { SimPlaybacks } from './sim-playbacks.js';
import type { SimRule } from './sim-scenarios.js';
import type { SimScheduler } from './sim-scheduler.js';

/** The dialplan and far ends the simulated Asterisk has. */
export interface SimDialplanConfig {
  /** Contexts of `Local/<number>@<context>` originates: a far end answers there. */
  readonly dialContexts: readonly string[];
  /** The context running `AMD()` and returning to Stasis. */
  readonly amdContext: string;
  /** Contexts standing in for a dialplan AI agent. */
  readonly aiContexts: readonly string[];
  /** App name of the built-in AI agent (used when no websocket holds that name). */
  readonly aiApp: string;
  /** Contexts that hand calls to AAVA (`Stasis(${DIALSTATE_AAVA_APP})`), run by the stand-in. */
  readonly aavaContexts: readonly string[];
  readonly rules: readonly SimRule[];
}

/** What the parts of the simulator share: configuration, time, events and registries. */
export interface SimWorld {
  readonly dialplan: SimDialplanConfig;
  readonly events: SimEvents;
  readonly apps: StasisApps;
  readonly scheduler: SimScheduler;
  readonly playbacks: SimPlaybacks;
  /** Whether a context exists in the simulated dialplan (DIALPLAN_EXISTS). */
  contextExists(context: string): boolean;
  /** Whether `app` can take a channel: a websocket holds it, or it is the built-in agent. */
  appAvailable(app: string): boolean;
  /** Called once both halves of a call are destroyed. */
  callEnded(call: SimCall): void;
  /** The stand-in AAVA: its app, whether it is up, and the calls it took. */
  readonly aava: SimAava;
  /** Passes a call on into the dialplan (`continue`), as an agent's transfer does. */
  transfer(call: SimCall, context: string, extension: string): void;
}
