/**
 * @module
 * The JSON API in the shape of the common hosted status page format (Atlassian Statuspage's
 * public `/api/v2/summary.json` and `/api/v2/status.json`), so existing dashboards, bots and
 * aggregators that read those endpoints read ours unchanged. Field names and enumerations are
 * Statuspage's; `breakwater` adds `uptime`, `vantage_points` and `stale` as extra fields.
 */
import type { StatusSnapshot } from '../status-snapshot.js';
import { isoTime } from './html.js';

/** `/api/v2/status.json`. */
export function statusJson(s: StatusSnapshot, pageUrl = ''): object {
  return {
    page: page(s, pageUrl),
    status: { indicator: s.indicator, description: s.description },
  };
}

function page(s: StatusSnapshot, url: string): object {
  return {
    id: 'breakwater',
    name: s.title,
    url,
    time_zone: 'Etc/UTC',
    updated_at: isoTime(s.generatedMs),
  };
}

/** `/api/v2/summary.json`. */
export function summaryJson(s: StatusSnapshot, pageUrl = ''): object {
  return {
    page: page(s, pageUrl),
    components: s.monitors.map((m, i) => ({
      id: m.id,
      name: m.name,
      status: m.status,
      created_at: isoTime(m.sinceMs),
      updated_at: isoTime(m.sinceMs),
      position: i + 1,
      description: null,
      showcase: true,
      start_date: null,
      group_id: null,
      page_id: 'breakwater',
      group: false,
      only_show_if_degraded: false,
      uptime: m.uptime,
      vantage_points: m.vantages.map((v) => ({ id: v.id, up: v.up, stale: v.stale })),
    })),
    incidents: s.incidents
      .filter((i) => i.status !== 'resolved')
      .map((i) => ({
        id: String(i.id),
        name: i.title,
        status: i.status,
        created_at: isoTime(i.createdMs),
        updated_at: isoTime(i.updatedMs),
        monitoring_at: null,
        resolved_at: i.resolvedMs === undefined ? null : isoTime(i.resolvedMs),
        impact: i.impact,
        shortlink: '',
        started_at: isoTime(i.createdMs),
        page_id: 'breakwater',
        incident_updates: [...i.updates].reverse().map((u) => ({
          id: String(u.id),
          status: u.status,
          body: u.body,
          incident_id: String(i.id),
          created_at: isoTime(u.atMs),
          updated_at: isoTime(u.atMs),
          display_at: isoTime(u.atMs),
          affected_components: i.monitors.map((id) => ({ code: id })),
        })),
        components: i.monitors.map((id) => ({ id })),
      })),
    scheduled_maintenances: s.maintenance.map((m) => ({
      id: String(m.id),
      name: m.title,
      status: m.startsMs <= s.generatedMs ? 'in_progress' : 'scheduled',
      created_at: isoTime(m.startsMs),
      updated_at: isoTime(m.startsMs),
      scheduled_for: isoTime(m.startsMs),
      scheduled_until: isoTime(m.endsMs),
      impact: 'maintenance',
      incident_updates:
        m.body === ''
          ? []
          : [{ status: 'scheduled', body: m.body, display_at: isoTime(m.startsMs) }],
      components: m.monitors.map((id) => ({ id })),
    })),
    status: { indicator: s.indicator, description: s.description },
    stale: s.stale.map((x) => ({ vantage_point: x.vantage, since: isoTime(x.sinceMs) })),
  };
}
