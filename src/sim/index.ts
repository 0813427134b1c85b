/**
 * @module
 * breakwater/sim: a deterministic discrete-event simulator. Integer virtual time in
 * microseconds, a struct-of-arrays event heap ordered by (time, sequence), one root seed from
 * which every component forks its own `Rng`, callback models that allocate nothing per event,
 * and a `VirtualClock` under which our real `async` code (resilience policies, DNS enactors)
 * runs in simulated time. The same seed gives byte-identical results.
 */
export { Simulation } from './kernel/simulation.js';
export type { SimulationOptions, EventHandler, HandlerId, EventId } from './kernel/simulation.js';
export { EventHeap } from './kernel/event-heap.js';
export type { EventHeapOptions } from './kernel/event-heap.js';
export { VirtualClock, DEFAULT_START_EPOCH_MS } from './virtual-clock.js';
export type { VirtualClockOptions } from './virtual-clock.js';
export { ms, seconds, MICROS_PER_MS, MICROS_PER_SECOND } from './units.js';
export { Metrics } from './metrics.js';
export type { MetricsOptions, MetricsRow, SeriesId, SeriesKind, TimeSource } from './metrics.js';
export {
  constant,
  uniform,
  exponential,
  normal,
  foldedNormal,
  loadDependent,
} from './model/distribution.js';
export type { Distribution, NormalOptions } from './model/distribution.js';
export { RateSchedule } from './model/rate-schedule.js';
export type { RateStep, RateScheduleOptions } from './model/rate-schedule.js';
export { PoissonSource } from './model/poisson-source.js';
export type { PoissonSourceOptions } from './model/poisson-source.js';
export { ClosedLoop } from './model/closed-loop.js';
export type { ClosedLoopOptions } from './model/closed-loop.js';
export { Network } from './model/network.js';
export type { NetworkOptions } from './model/network.js';
export { RequestLedger, RequestStatus, REQUEST_STATUS_NAMES } from './model/request-ledger.js';
export type { RequestCounts, RequestLedgerOptions } from './model/request-ledger.js';
export type { ServerQueue, QueueDropHandler } from './model/server-queue.js';
export { FifoQueue } from './model/fifo-queue.js';
export type { FifoQueueOptions } from './model/fifo-queue.js';
export { Server } from './model/server.js';
export type { ServerOptions, ServerListener } from './model/server.js';
export { WorkQueueAdapter } from './model/work-queue-adapter.js';
export { Client } from './model/client.js';
export type { ClientOptions, AttemptOutcome } from './model/client.js';
export { ProcessorSharingServer } from './model/processor-sharing-server.js';
export type { ProcessorSharingServerOptions } from './model/processor-sharing-server.js';
export type { ServerLike } from './model/server-like.js';

// Scenarios and reports.
export { runContention, contentionJson, CONTENTION_BACKOFFS } from './scenarios/contention.js';
export type {
  ContentionOptions,
  ContentionResult,
  ContentionVariantResult,
  ContentionPoint,
  ContentionJson,
  ContentionBackoff,
} from './scenarios/contention.js';
export { DEFAULT_SCENARIO_SEED } from './scenarios/default-seed.js';
export { contentionReport } from './scenarios/contention-report.js';
export { runSpike, spikeJson, summarizeSpikeWindow, SPIKE_VARIANTS } from './scenarios/spike.js';
export type {
  SpikeOptions,
  SpikeResult,
  SpikeVariantResult,
  SpikePoint,
  SpikeServerPoint,
  SpikeTotals,
  SpikeJson,
  SpikeWindowSummary,
  SpikeVariant,
  SpikeServerModel,
} from './scenarios/spike.js';
export { spikeReport, SPIKE_TAIL_SECONDS } from './scenarios/spike-report.js';
export { renderReport } from './report/render-report.js';
export type {
  ReportOptions,
  ReportSection,
  ReportChart,
  ReportSeries,
  ReportPoint,
  ReportTable,
} from './report/render-report.js';

// The replay of 2025-10-20 in us-east-1.
export {
  runUsEast1Replay,
  usEast1Json,
  US_EAST_1_RUNS,
  DEFAULT_DROPLETS,
} from './scenarios/us-east-1-2025/replay.js';
export type {
  UsEast1ReplayOptions,
  UsEast1ReplayResult,
  UsEast1RunResult,
  UsEast1Json,
  UsEast1RunJson,
  UsEast1RunName,
} from './scenarios/us-east-1-2025/replay.js';
export { usEast1Text } from './scenarios/us-east-1-2025/replay-text.js';
export { usEast1Report } from './scenarios/us-east-1-2025/replay-report.js';
export type { ReportMarker } from './report/render-report.js';
