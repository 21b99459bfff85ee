// Group commit: at most `maxRunning` commits run at once; items that arrive meanwhile wait, and
// the ones that can share a statement go together in the next commit (up to `maxBatch`). A lone
// item goes at once. Under load this spreads a statement's parse, plan, commit and round trip
// over many items, which is most of what storing one costs.

export interface GroupCommitOptions<T, R> {
  maxRunning: number;
  maxBatch: number;
  /** Whether `item` may join `batch` (never empty: its first item is the oldest waiting one). */
  fits(batch: readonly T[], item: T): boolean;
  /** Commits a batch: one settled result per item, in the batch's order. Throwing fails every item. */
  commit(batch: T[]): Promise<Array<PromiseSettledResult<R>>>;
}

/** Returns `submit`: commits the item, alone or with others, and resolves with its own result. */
export function groupCommit<T, R>(options: GroupCommitOptions<T, R>): (item: T) => Promise<R> {
  interface Waiting {
    item: T;
    resolve(result: R): void;
    reject(error: unknown): void;
  }
  const waiting: Waiting[] = [];
  let running = 0;

  /** The oldest waiting item and those that can share its commit; the others keep their place. */
  function nextBatch(): Waiting[] {
    const batch: Waiting[] = [waiting.shift() as Waiting];
    for (let i = 0; i < waiting.length && batch.length < options.maxBatch; ) {
      if (options.fits(batch.map((w) => w.item), waiting[i].item)) batch.push(...waiting.splice(i, 1));
      else i += 1;
    }
    return batch;
  }

  async function commit(batch: Waiting[]): Promise<void> {
    try {
      const results = await options.commit(batch.map((w) => w.item));
      batch.forEach((w, i) => {
        const result = results[i];
        if (result?.status === 'fulfilled') w.resolve(result.value);
        else w.reject(result ? result.reason : new Error('the commit gave no result for this item'));
      });
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }

  function pump(): void {
    while (running < options.maxRunning && waiting.length > 0) {
      running += 1;
      void commit(nextBatch()).finally(() => {
        running -= 1;
        pump();
      });
    }
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      pump();
    });
}
