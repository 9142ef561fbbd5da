/**
 * Group commit (and grouped reads): items submitted while a write is in flight go into the next write together. At low
 * load every item is written at once (no added wait); under load many share one transaction, so the
 * number of statements and commits grows with the number of writes, not with the number of items.
 */
interface Waiting<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit<T, R> {
  readonly #write: (items: T[]) => Promise<R[]>;
  readonly #maxBatch: number;
  #waiting: Waiting<T, R>[] = [];
  #flushing = false;
  #held: Promise<unknown> | undefined;

  /**
   * `write` gets the items of one batch and returns one result per item, in order. When a batch of
   * several fails, each of its items is written again on its own, so one bad item fails alone.
   */
  constructor(write: (items: T[]) => Promise<R[]>, maxBatch: number) {
    this.#write = write;
    this.#maxBatch = maxBatch;
  }

  /**
   * No write starts until `until` settles: items wait (and gather into fuller writes) while
   * something more urgent has the database. A write in flight goes on.
   */
  holdWhile(until: Promise<unknown>): void {
    const held = until.then(
      () => {},
      () => {},
    );
    const previous = this.#held;
    const both = previous ? Promise.all([previous, held]) : held;
    this.#held = both;
    void both.then(() => {
      if (this.#held === both) this.#held = undefined;
    });
  }

  submit(item: T): Promise<R> {
    const { promise, resolve, reject } = Promise.withResolvers<R>();
    this.#waiting.push({ item, resolve, reject });
    // The write starts after this turn of the event loop, so every item submitted by the events of
    // the same turn joins it. (The embedded database runs a statement synchronously: without this
    // nothing could be submitted while a write is in flight, and every write would hold one item.)
    if (!this.#flushing) {
      this.#flushing = true;
      setImmediate(() => void this.#flush());
    }
    return promise;
  }

  async #flush(): Promise<void> {
    try {
      while (this.#waiting.length > 0) {
        while (this.#held) await this.#held;
        const batch = this.#waiting.splice(0, this.#maxBatch);
        try {
          this.#settle(batch, await this.#write(batch.map((b) => b.item)));
        } catch (error) {
          if (batch.length === 1) {
            batch[0]?.reject(error);
            continue;
          }
          for (const one of batch) {
            try {
              this.#settle([one], await this.#write([one.item]));
            } catch (alone) {
              one.reject(alone);
            }
          }
        }
      }
    } finally {
      this.#flushing = false;
    }
  }

  #settle(batch: Waiting<T, R>[], results: R[]): void {
    batch.forEach((b, i) => {
      if (i < results.length) b.resolve(results[i] as R);
      else b.reject(new Error('a grouped write returned fewer results than items'));
    });
  }
}
