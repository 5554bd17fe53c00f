import { readFileSync } from 'node:fs';

/** The parts of a V8 CPU profile (`node --cpu-prof`, a `.cpuprofile` file) the profile benches read. */

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  /** µs, like the deltas. */
  startTime: number;
  /** The node each sample was taken in. */
  samples: number[];
  timeDeltas: number[];
}

/** A profile read from its file, with each node by id and the parent of each. */
export function readCpuProfile(file: string): {
  profile: CpuProfile;
  nodes: Map<number, ProfileNode>;
  parent: Map<number, number>;
} {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const parent = new Map<number, number>();
  const nodes = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    nodes.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  return { profile, nodes, parent };
}

/** A window of the profile's clock given as `<fromUs>:<toUs>`. */
export function parseWindow(text: string): { from: number; to: number } {
  const [from, to] = text.split(':').map(Number);
  if (from === undefined || to === undefined || !(from < to)) throw new Error(`bad window ${text}`);
  return { from, to };
}
