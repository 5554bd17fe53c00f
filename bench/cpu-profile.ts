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
