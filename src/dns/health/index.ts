/**
 * @module
 * Health checks: the one probe engine for DNS routing and the status page — HTTP(S) and TCP
 * probes, thresholds as a pure state machine, quorum over vantage points, calculated
 * (K-of-N) checks. Re-exported by `breakwater/dns`.
 */
export { HealthChecker } from './health-checker.js';
export type {
  HealthCheckerOptions,
  ProbeCheckOptions,
  CalculatedCheckOptions,
  VantagePoint,
  HealthChangeEvent,
  ProbeEvent,
  HealthCheckStatus,
} from './health-checker.js';
export { initialHealthState, nextHealthState, checkHealthThresholds } from './health-state.js';
export type { HealthState, HealthThresholds } from './health-state.js';
export { quorumHealthy, majorityQuorum, atLeastHealthy } from './quorum.js';
export { runProbe } from './probe.js';
export type { ProbeTarget, ProbeResult, ProbeRunner } from './probe.js';
export { probeHttp, DEFAULT_EXPECT_STATUS } from './http-probe.js';
export type { HttpProbeTarget } from './http-probe.js';
export { probeTcp } from './tcp-probe.js';
export type { TcpProbeTarget } from './tcp-probe.js';
export { parseJsonPath, valueAtJsonPath, jsonMismatch } from './json-path.js';
export type { JsonMatch, JsonPathSegment } from './json-path.js';
