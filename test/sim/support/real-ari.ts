import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** The real Asterisk 22.10.1 reference material, next to the repository. */
export const SHARED_ARI_DIR = path.resolve(repoRoot, '../shared/asterisk-ari');

/** A real api-docs document, parsed (e.g. `channels`, `resources`). */
export function loadRealApiDoc(name: string): Record<string, unknown> & {
  apis: Array<{ path: string; operations?: Array<Record<string, unknown>> }>;
  models?: Record<string, RealModel>;
} {
  return JSON.parse(readFileSync(path.join(SHARED_ARI_DIR, 'api-docs', `${name}.json`), 'utf8'));
}

export interface RealModel {
  id: string;
  properties: Record<
    string,
    { type: string; required?: boolean; allowableValues?: { values: string[] } }
  >;
  subTypes?: string[];
}

/** One line of a recorded trace. */
export interface TraceLine {
  dir: 'request' | 'response' | 'event';
  t_ms: number;
  id?: number;
  app: string;
  msg: Record<string, unknown> & {
    type?: string;
    method?: string;
    path?: string;
    query?: Record<string, string>;
    status?: number;
    body?: unknown;
  };
}

/** A recorded trace, e.g. `human`. */
export function loadTrace(name: string): TraceLine[] {
  return readFileSync(path.join(SHARED_ARI_DIR, 'traces', `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TraceLine);
}
