// Waits for a condition that another process or worker brings about (a letter reaching a
// status in the database, a server answering on its port). It checks often and fails with what it
// last saw, never a blind sleep. The one polling helper of the suite: every test that waits for a
// condition it cannot be told about by an event uses this.
export interface EventuallyOptions<T> {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Pause between two probes (default 25 ms). */
  intervalMs?: number;
  /** What is awaited, for the timeout's message. */
  what?: string;
  /** How the last value seen reads in the timeout's message (default: JSON, cut at 2,000 characters). */
  describe?: (last: T) => string;
}

export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  { timeoutMs = 10_000, intervalMs = 25, what = 'condition', describe }: EventuallyOptions<T> = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let probed = false;
  // Probes at least once, however short the timeout. A probe that throws ends the wait with its error.
  while (!probed || Date.now() < deadline) {
    probed = true;
    last = await probe();
    if (accept(last)) return last;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  const seen = describe ? describe(last as T) : (JSON.stringify(last) ?? 'undefined').slice(0, 2000);
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen}`);
}
