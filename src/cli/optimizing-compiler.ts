import { setFlagsFromString } from 'node:v8';

/**
 * V8's optimizing compiler (TurboFan) held back while `dialstate import` may turn out to
 * import a small file, and let go as soon as it turns out large (ADR 045).
 *
 * Even a two-row import makes a few functions hot enough to optimize (Node's path
 * normalisation as the modules load, the phone-zone index's loop), and the compiler's
 * first use costs ~4.5 MB of peak RSS: its code in Node's binary paged in, and the
 * memory its compile jobs take on the thread they run on. A small file is imported in
 * tens of milliseconds of JavaScript by the interpreter and the baseline compiler, which
 * V8 keeps using. The flag is read each time V8 considers optimizing a function, so it
 * takes effect from here on both ways; V8's flags are the process's, its threads'
 * included, and starting a thread does not reset this one (measured).
 */
export function holdOptimizingCompiler(): void {
  setFlagsFromString('--no-turbofan');
}

/** Lets V8 optimize hot functions again, as it does by default. */
export function releaseOptimizingCompiler(): void {
  setFlagsFromString('--turbofan');
}
