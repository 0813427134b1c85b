/**
 * @module
 * The body of a sweep worker thread (`node:worker_threads`): it receives ranges of seeds,
 * runs them with {@link sweepSeeds}, and posts back one {@link SweepSummary} per range. The
 * protocol is in `run-check-sweep.ts`. Loaded only as a worker's entry point; importing it
 * anywhere else does nothing.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { DnsMode } from '../../dns/create-enactors.js';
import { sweepSeeds } from './sweep-seeds.js';
import { addSeedResult, emptySweepSummary } from './sweep-summary.js';
import type { SweepSummary } from './sweep-summary.js';

/** What the main thread gives a worker when it starts it. */
export interface SweepWorkerData {
  readonly mode: DnsMode;
  /** Runs interleaved per thread; 0 for `sweepSeeds`'s default. */
  readonly concurrency: number;
}

/** Main thread → worker. */
export type SweepWorkerRequest =
  | { readonly type: 'range'; readonly from: number; readonly count: number }
  | { readonly type: 'exit' };

/** Worker → main thread. */
export type SweepWorkerReply =
  | { readonly type: 'ready' }
  | {
      readonly type: 'range-done';
      readonly from: number;
      readonly count: number;
      readonly summary: SweepSummary;
    }
  | { readonly type: 'failed'; readonly message: string };

if (!isMainThread && parentPort !== null) {
  const port = parentPort;
  const data = workerData as SweepWorkerData;
  // Ranges arrive one at a time (the main thread sends the next when one is done), so a
  // plain queue suffices.
  port.on('message', (request: SweepWorkerRequest) => {
    if (request.type === 'exit') {
      port.close();
      return;
    }
    const summary = emptySweepSummary(data.mode);
    sweepSeeds({
      mode: data.mode,
      from: request.from,
      count: request.count,
      ...(data.concurrency > 0 ? { concurrency: data.concurrency } : {}),
      onResult: (r) => addSeedResult(summary, r),
    }).then(
      () => {
        const reply: SweepWorkerReply = {
          type: 'range-done',
          from: request.from,
          count: request.count,
          summary,
        };
        port.postMessage(reply);
      },
      (error: unknown) => {
        const reply: SweepWorkerReply = {
          type: 'failed',
          message: error instanceof Error ? (error.stack ?? error.message) : String(error),
        };
        port.postMessage(reply);
      },
    );
  });
  const ready: SweepWorkerReply = { type: 'ready' };
  port.postMessage(ready);
}
