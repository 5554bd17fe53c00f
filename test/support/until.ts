/**
 * Resolves once `check` holds, polling every `everyMs`; rejects after `timeoutMs`. How a
 * test waits for something to happen instead of sleeping and hoping it has.
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  { timeoutMs = 60_000, everyMs = 50, what = 'the condition' } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Resolves once `remaining()` is 0, polling every `everyMs`; rejects only when it has not
 * gone down for `stallMs`. For long work whose pace is the machine's load (a campaign
 * finishing): the test fails when the work is stuck, not when the machine is slow.
 */
export async function untilDone(
  remaining: () => number | Promise<number>,
  { stallMs = 60_000, everyMs = 250, what = 'the work' } = {},
): Promise<void> {
  let left = await remaining();
  let movedAt = Date.now();
  while (left > 0) {
    if (Date.now() - movedAt > stallMs) {
      throw new Error(`${what} made no progress for ${stallMs} ms (${left} left)`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    const now = await remaining();
    if (now < left) movedAt = Date.now();
    left = now;
  }
}
