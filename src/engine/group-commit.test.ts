import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.ts';

/** A group commit whose writes are recorded, each answering its items doubled. */
function recorded() {
  const writes: number[][] = [];
  const group = new GroupCommit<number, number>(async (items) => {
    writes.push(items);
    return items.map((n) => n * 2);
  }, 100);
  return { writes, group };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('group commit', () => {
  it('writes what was submitted in one turn together, and answers each item', async () => {
    const { writes, group } = recorded();
    const answers = await Promise.all([group.submit(1), group.submit(2), group.submit(3)]);
    expect(answers).toEqual([2, 4, 6]);
    expect(writes).toEqual([[1, 2, 3]]);
  });

  it('writes again each item of a failed batch on its own, so only the bad one fails', async () => {
    const writes: number[][] = [];
    const group = new GroupCommit<number, number>(async (items) => {
      writes.push(items);
      if (items.includes(13)) throw new Error('unlucky');
      return items;
    }, 100);
    const results = await Promise.allSettled([group.submit(12), group.submit(13), group.submit(14)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(writes).toEqual([[12, 13, 14], [12], [13], [14]]);
  });

  it('starts no write while held, then writes what gathered meanwhile together', async () => {
    const { writes, group } = recorded();
    const { promise: firing, resolve: fired } = Promise.withResolvers<void>();
    group.holdWhile(firing);
    const answers = [group.submit(1)];
    await turn();
    answers.push(group.submit(2));
    await turn();
    expect(writes).toEqual([]);
    fired();
    expect(await Promise.all(answers)).toEqual([2, 4]);
    expect(writes).toEqual([[1, 2]]);
  });

  it('waits for every hold, and a hold that fails releases like one that succeeds', async () => {
    const { writes, group } = recorded();
    const first = Promise.withResolvers<void>();
    const second = Promise.withResolvers<void>();
    group.holdWhile(first.promise);
    group.holdWhile(second.promise);
    const answer = group.submit(5);
    first.reject(new Error('the slot failed'));
    await turn();
    expect(writes).toEqual([]);
    second.resolve();
    expect(await answer).toBe(10);
  });
});
