/**
 * @module
 * A push-to-pull bridge for etcd watches: the watcher pushes events as they arrive, the
 * consumer pulls them with `for await`. Items are buffered while nobody is waiting (a watch
 * never drops an event because its consumer was busy); an error ends the iteration by
 * rejecting the next pull; `return()` (leaving a `for await` loop) runs the close hook that
 * cancels the watch.
 */

type Waiter<T> = {
  resolve: (r: IteratorResult<T>) => void;
  reject: (e: unknown) => void;
};

/** An async iterator fed by `push`, ended by `end` or `fail`. See the module comment. */
export class PushIterator<T> implements AsyncIterableIterator<T> {
  readonly #buffer: T[] = [];
  readonly #waiters: Waiter<T>[] = [];
  readonly #onClose: () => Promise<void>;
  #done = false;
  #error: { readonly error: unknown } | undefined = undefined;

  /** @param onClose called once when the consumer stops (`return()`) or the feed ends. */
  constructor(onClose: () => Promise<void>) {
    this.#onClose = onClose;
  }

  /** Delivers an item (dropped after the end). */
  push(item: T): void {
    if (this.#done) return;
    const w = this.#waiters.shift();
    if (w !== undefined) w.resolve({ value: item, done: false });
    else this.#buffer.push(item);
  }

  /** Ends the iteration with an error (after the buffered items). */
  fail(error: unknown): void {
    if (this.#done || this.#error !== undefined) return;
    this.#error = { error };
    for (const w of this.#waiters.splice(0)) w.reject(error);
  }

  /** True once the consumer stopped or the feed ended. */
  get closed(): boolean {
    return this.#done;
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.#buffer.shift();
    if (item !== undefined) return Promise.resolve({ value: item, done: false });
    if (this.#error !== undefined) {
      const { error } = this.#error;
      return this.return().then(() => Promise.reject(error));
    }
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  async return(): Promise<IteratorResult<T>> {
    if (!this.#done) {
      this.#done = true;
      this.#buffer.length = 0;
      for (const w of this.#waiters.splice(0)) w.resolve({ value: undefined, done: true });
      await this.#onClose();
    }
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
