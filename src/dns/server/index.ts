/**
 * @module
 * The authoritative DNS server: the serving data model (immutable zone snapshots and the
 * adapter from plan record sets), the socket-free responder, the UDP/TCP server, and
 * latency-based routing as pure functions. Re-exported by `breakwater/dns`.
 */
export { DnsServer } from './dns-server.js';
export type {
  DnsServerOptions,
  DnsServerStatus,
  ServedZoneStatus,
  StaleChangeEvent,
} from './dns-server.js';
export { DnsResponder, DEFAULT_MAX_UDP_PAYLOAD } from './dns-responder.js';
export type { DnsResponderOptions, DnsResponderStats, DnsTransport } from './dns-responder.js';
export {
  buildZoneSnapshot,
  serialOfGeneration,
  DEFAULT_SOA,
  DEFAULT_NS_TTL_SECONDS,
} from './zone-snapshot.js';
export type {
  ZoneSnapshot,
  ZoneSnapshotInput,
  ZoneRecordSetInput,
  ZoneRecordSet,
  WithVariants,
  ZoneNode,
  ServedType,
  ServedRecordSet,
  SoaRecord,
  SoaRecordSet,
  NsRecord,
  NsRecordSet,
  SoaOptions,
} from './zone-snapshot.js';
export { snapshotFromRecords } from './snapshot-from-records.js';
export type { SnapshotFromRecordsOptions } from './snapshot-from-records.js';
export {
  compileRegionLatencyTable,
  matchClientSubnet,
  chooseRegion,
  selectRegion,
  parseIpAddress,
  clientSubnetOfAddress,
} from './latency-routing.js';
export type {
  RegionLatencyTable,
  RegionLatencyTableOptions,
  RegionLatencyEntry,
  ClientSubnet,
  RegionMatch,
} from './latency-routing.js';
export { ZoneSnapshotError, isZoneSnapshotError } from './errors.js';
