import { createSignal } from 'solid-js';

/** What `GET /health` says (it is outside `/api`, so not in the API's types). */
export interface SystemHealth {
  status: 'ok' | 'unavailable';
  /** The PBX is the embedded simulator: no real call is placed. */
  simulated: boolean;
  ari: { ok: boolean; state: string };
  /** With several PBXs: each one's connection, hold and live calls. */
  pbxs?: PbxHealth[];
}

/** One PBX as `/health` reports it (several PBXs). */
export interface PbxHealth {
  name: string;
  /** Connected and not held: it takes calls. */
  ok: boolean;
  url: string;
  state: 'connected' | 'disconnected' | 'reconnecting';
  since: number;
  hold: string | null;
  live: number;
  maxChannels: number;
}

const [health, setHealth] = createSignal<SystemHealth | null>(null);

/** The last health answer; null until it arrives. */
export const systemHealth = health;

/**
 * Reads `/health` (on load and after the live feed reconnects). It answers 503 with the
 * same body when a part is down, so the body is read either way.
 */
export async function loadSystemHealth(): Promise<void> {
  try {
    const response = await fetch('/health');
    const body = (await response.json()) as SystemHealth;
    if (typeof body.simulated === 'boolean') setHealth(body);
  } catch {
    // Unknown is shown as unknown; the next reconnection asks again.
  }
}
