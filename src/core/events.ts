/**
 * @module
 * A small typed event emitter that costs nothing when no one listens: `emit` is one
 * property check then, and callers that build a payload guard it with `hasListeners`.
 * Subscribing returns a `Disposable` instead of needing the listener again to unsubscribe.
 * (The shape is cockatiel's `Event<T>`; VS Code's emitter before it.)
 */

/** Something that can be released, such as an event subscription. */
export interface Disposable {
  dispose(): void;
}

/** A listener for events of type `T`. */
export type Listener<T> = (event: T) => void;

/** Subscribes a listener; call `dispose()` on the result to unsubscribe. */
export type Event<T> = (listener: Listener<T>) => Disposable;

function rethrowAsync(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

/** Emits events of type `T` to any number of listeners, in subscription order. */
export class EventEmitter<T> {
  #listeners: Listener<T>[] | undefined = undefined;
  readonly #onListenerError: (error: unknown) => void;

  /**
   * @param onListenerError called when a listener throws; by default the error is rethrown
   *   from a microtask (so it surfaces as an uncaught exception, as with Node's emitter)
   *   without stopping delivery to the other listeners.
   */
  constructor(onListenerError?: (error: unknown) => void) {
    this.#onListenerError = onListenerError ?? rethrowAsync;
  }

  /** The subscribe function to expose publicly (as `onRetry`, `onBreak`, ...). */
  readonly event: Event<T> = (listener) => {
    // Copy on write, so a listener that unsubscribes during emit does not skip another.
    this.#listeners = this.#listeners === undefined ? [listener] : [...this.#listeners, listener];
    let live = true;
    return {
      dispose: () => {
        if (!live) return;
        live = false;
        const rest = this.#listeners?.filter((l) => l !== listener) ?? [];
        this.#listeners = rest.length === 0 ? undefined : rest;
      },
    };
  };

  /** True when at least one listener is subscribed; guard costly payloads with it. */
  get hasListeners(): boolean {
    return this.#listeners !== undefined;
  }

  /** Calls every listener with `event`. A listener that throws does not stop the others. */
  emit(event: T): void {
    const listeners = this.#listeners;
    if (listeners === undefined) return;
    for (const l of listeners) {
      try {
        l(event);
      } catch (err) {
        this.#onListenerError(err);
      }
    }
  }
}

/** Resolves with the next event `event` emits. */
export function once<T>(event: Event<T>): Promise<T> {
  return new Promise((resolve) => {
    const sub = event((value) => {
      sub.dispose();
      resolve(value);
    });
  });
}
