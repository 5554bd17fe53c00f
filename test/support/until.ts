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
