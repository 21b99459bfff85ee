// The group-commit batcher on its own: which items go together, how many commits run at once,
// and what each caller gets back. Commits are promises the test settles by hand.
import { groupCommit } from '../../src/adapters/store/groupCommit';

interface Item {
  key: string;
  kind: string;
}

/** A commit function that records each batch and waits until the test settles it. */
function manualCommits() {
  const batches: Array<{ keys: string[]; settle(results?: Array<PromiseSettledResult<string>>): void; fail(error: Error): void }> = [];
  const commit = (batch: Item[]) =>
    new Promise<Array<PromiseSettledResult<string>>>((resolve, reject) => {
      batches.push({
        keys: batch.map((i) => i.key),
        settle: (results) => resolve(results ?? batch.map((i) => ({ status: 'fulfilled', value: `stored ${i.key}` }))),
        fail: reject,
      });
    });
  return { batches, commit };
}

/** Lets the promise callbacks queued so far run. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

const item = (key: string, kind = 'a'): Item => ({ key, kind });
const sameKind = (batch: readonly Item[], next: Item) => batch[0].kind === next.kind;

describe('groupCommit', () => {
  it('commits a lone item at once and gives it its own result', async () => {
    const { batches, commit } = manualCommits();
    const submit = groupCommit({ maxRunning: 2, maxBatch: 10, fits: sameKind, commit });
    const result = submit(item('x'));
    expect(batches.map((b) => b.keys)).toEqual([['x']]);
    batches[0].settle();
    await expect(result).resolves.toBe('stored x');
  });

  it('groups the items that wait while every commit is running, up to maxBatch, oldest first', async () => {
    const { batches, commit } = manualCommits();
    const submit = groupCommit({ maxRunning: 1, maxBatch: 3, fits: sameKind, commit });
    const results = ['1', '2', '3', '4', '5'].map((k) => submit(item(k)));
    expect(batches.map((b) => b.keys)).toEqual([['1']]);
    batches[0].settle();
    await settled();
    expect(batches.map((b) => b.keys)).toEqual([['1'], ['2', '3', '4']]);
    batches[1].settle();
    await settled();
    expect(batches.map((b) => b.keys)).toEqual([['1'], ['2', '3', '4'], ['5']]);
    batches[2].settle();
    await expect(Promise.all(results)).resolves.toEqual(['stored 1', 'stored 2', 'stored 3', 'stored 4', 'stored 5']);
  });

  it('runs at most maxRunning commits at once', async () => {
    const { batches, commit } = manualCommits();
    const submit = groupCommit({ maxRunning: 2, maxBatch: 1, fits: sameKind, commit });
    for (const k of ['1', '2', '3']) void submit(item(k));
    expect(batches.map((b) => b.keys)).toEqual([['1'], ['2']]);
    batches[1].settle();
    await settled();
    expect(batches.map((b) => b.keys)).toEqual([['1'], ['2'], ['3']]);
  });

  it('leaves an item that does not fit for a later commit, in its place', async () => {
    const { batches, commit } = manualCommits();
    const submit = groupCommit({ maxRunning: 1, maxBatch: 10, fits: sameKind, commit });
    for (const [k, kind] of [['0', 'a'], ['1', 'a'], ['2', 'b'], ['3', 'a'], ['4', 'b']]) void submit(item(k, kind));
    batches[0].settle();
    await settled();
    expect(batches[1].keys).toEqual(['1', '3']);
    batches[1].settle();
    await settled();
    expect(batches[2].keys).toEqual(['2', '4']);
  });

  it('a failed item fails its caller only; a commit that throws fails its whole batch, and the next commit still runs', async () => {
    const { batches, commit } = manualCommits();
    const submit = groupCommit({ maxRunning: 1, maxBatch: 10, fits: sameKind, commit });
    const first = submit(item('first'));
    const [a, b] = [submit(item('a')), submit(item('b'))];
    const [c, d] = [submit(item('c', 'z')), submit(item('d', 'z'))];
    batches[0].settle();
    await settled();
    batches[1].settle([{ status: 'fulfilled', value: 'stored a' }, { status: 'rejected', reason: new Error('b broke') }]);
    await expect(a).resolves.toBe('stored a');
    await expect(b).rejects.toThrow('b broke');
    await settled();
    batches[2].fail(new Error('connection lost'));
    await expect(c).rejects.toThrow('connection lost');
    await expect(d).rejects.toThrow('connection lost');
    await expect(first).resolves.toBe('stored first');
    const later = submit(item('later'));
    batches[3].settle();
    await expect(later).resolves.toBe('stored later');
  });
});
