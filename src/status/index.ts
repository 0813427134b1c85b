/**
 * @module
 * breakwater/status — a status page and monitor that keeps telling the truth when what it
 * watches, or its own host, is down. During the 2025-10-20 outage the provider's own status
 * dashboard said "all is well" for 75 minutes because it depended on what was broken; this one
 * is built so that cannot happen:
 * - one probe engine (`breakwater/dns`'s HealthChecker) with several vantage points and a
 *   quorum, and a page that says "data stale since …" when its probers stop reporting;
 * - a static export on every change to places that do not share its fate (a directory, a git
 *   remote, a command);
 * - `status doctor`: the graph analysis refuses to call the setup independent when the page
 *   shares a failure domain or a hard dependency with a monitored service.
 */
export { parseStatusConfig, loadStatusConfig } from './config.js';
export type {
  StatusConfig,
  MonitorConfig,
  HttpMonitorConfig,
  TcpMonitorConfig,
  DnsMonitorConfig,
  TlsMonitorConfig,
  HeartbeatMonitorConfig,
  VantagePointConfig,
  ExportTarget,
  WebhookConfig,
  RunsOn,
} from './config.js';
export { StatusError, StatusConfigError, isStatusConfigError } from './errors.js';
export { probeDns } from './probes/dns-probe.js';
export type { DnsProbeTarget } from './probes/dns-probe.js';
export { probeTlsExpiry } from './probes/tls-expiry-probe.js';
export type { TlsExpiryProbeTarget } from './probes/tls-expiry-probe.js';
export { runStatusProbe, monitorProbeTarget, StatusProbeRegistry } from './probes/status-probe.js';
export type { StatusProbeTarget, HttpStatusProbeTarget } from './probes/status-probe.js';
export { StatusStore } from './status-store.js';
export type {
  StatusStoreOptions,
  Incident,
  IncidentUpdate,
  IncidentStatus,
  IncidentImpact,
  Maintenance,
  HistoryEntry,
  Sample,
} from './status-store.js';
export { StatusMonitor } from './status-monitor.js';
export type {
  StatusMonitorOptions,
  RemoteResult,
  MonitorChangeEvent,
  VantageFreshness,
} from './status-monitor.js';
export { takeSnapshot } from './status-snapshot.js';
export type { StatusSnapshot, MonitorView, ComponentStatus } from './status-snapshot.js';
export { renderStatusPage, renderAdminPage } from './render/status-page.js';
export type { RenderStatusPageOptions } from './render/status-page.js';
export { summaryJson, statusJson } from './render/summary-json.js';
export { renderBadge, statusBadge } from './render/badge.js';
export { uptimeBars, latencySparkline } from './render/svg-charts.js';
export { tokensEqual, tokenFromAuthorization } from './token.js';
export { StatusServer } from './status-server.js';
export type { StatusServerOptions } from './status-server.js';
export { StaticExporter, renderStaticSite, writeStaticSite } from './static-export.js';
export type { StaticExporterOptions, PublishEvent } from './static-export.js';
export { WebhookNotifier } from './webhook-notifier.js';
export type { WebhookNotifierOptions, DeliveryResult } from './webhook-notifier.js';
export { statusDoctor, formatDoctorReport, STATUS_PAGE_COMPONENT } from './status-doctor.js';
export type { StatusDoctorReport, SharedFateFinding } from './status-doctor.js';
export { ProbeAgent } from './probe-agent.js';
export type { ProbeAgentOptions } from './probe-agent.js';
export { startStatusService } from './status-service.js';
export type { StatusServiceOptions, StatusService } from './status-service.js';
