/**
 * @module
 * The status page's storage on SQLite (`better-sqlite3`, embedded: no server to set up).
 *
 * Bounded by design, so a year-long run with 1,000 monitors stays small:
 * - raw samples (one row per probe per vantage point) are kept `rawRetentionMs` (24 h by
 *   default) and feed the response-time chart;
 * - hourly buckets (per monitor: samples, samples with the monitor up, latency sum) are kept
 *   `retentionMs` (90 days) and answer uptime over 24 h / 7 d / 30 d / 90 d and the daily
 *   bars — at most 2,160 rows per monitor whatever the probe rate;
 * - verdict changes, incidents with their timeline and maintenance windows are kept
 *   `retentionMs` after they end.
 * `prune()` enforces both; every time is `clock.now()` (the injected clock), ms.
 */
import Database from 'better-sqlite3';
import type { Clock } from '../core/clock.js';

/** Options of {@link StatusStore}. */
export interface StatusStoreOptions {
  readonly clock: Clock;
  /** SQLite file, or `:memory:` (default). */
  readonly path?: string;
  /** Raw samples older than this are deleted by `prune`. Default 24 h. */
  readonly rawRetentionMs?: number;
  /** Aggregates, history and closed incidents older than this are deleted. Default 90 days. */
  readonly retentionMs?: number;
}

/** Lifecycle of an incident, as hosted status pages name it. */
export type IncidentStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved';
/** How bad an incident is. */
export type IncidentImpact = 'none' | 'minor' | 'major' | 'critical';

/** One entry of an incident's public timeline. */
export interface IncidentUpdate {
  readonly id: number;
  readonly atMs: number;
  readonly status: IncidentStatus;
  readonly body: string;
}

/** An incident and its timeline. */
export interface Incident {
  readonly id: number;
  readonly title: string;
  readonly status: IncidentStatus;
  readonly impact: IncidentImpact;
  readonly monitors: readonly string[];
  readonly createdMs: number;
  readonly updatedMs: number;
  readonly resolvedMs: number | undefined;
  /** Oldest first. */
  readonly updates: readonly IncidentUpdate[];
}

/** A maintenance window. */
export interface Maintenance {
  readonly id: number;
  readonly title: string;
  readonly body: string;
  readonly monitors: readonly string[];
  readonly startsMs: number;
  readonly endsMs: number;
}

/** A verdict change of a monitor. */
export interface HistoryEntry {
  readonly monitor: string;
  readonly atMs: number;
  readonly up: boolean;
  readonly detail: string;
}

/** A raw probe sample. */
export interface Sample {
  readonly atMs: number;
  readonly vantage: string;
  readonly ok: boolean;
  readonly latencyMs: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

interface IncidentRow {
  id: number;
  title: string;
  status: IncidentStatus;
  impact: IncidentImpact;
  monitors: string;
  created_ms: number;
  updated_ms: number;
  resolved_ms: number | null;
}

/** SQLite-backed storage of samples, uptime, history, incidents and maintenance. */
export class StatusStore {
  readonly #db: Database.Database;
  readonly #clock: Clock;
  readonly #rawRetentionMs: number;
  readonly #retentionMs: number;
  readonly #insertSample: Database.Statement;
  readonly #upsertHour: Database.Statement;

  constructor(options: StatusStoreOptions) {
    if (typeof options?.clock?.now !== 'function') {
      throw new TypeError(
        `StatusStore: options.clock must be a Clock, got ${typeof options?.clock}`,
      );
    }
    this.#clock = options.clock;
    this.#rawRetentionMs = positive('rawRetentionMs', options.rawRetentionMs ?? DAY_MS);
    this.#retentionMs = positive('retentionMs', options.retentionMs ?? 90 * DAY_MS);
    this.#db = new Database(options.path ?? ':memory:');
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS samples (monitor TEXT NOT NULL, vantage TEXT NOT NULL,
        at_ms INTEGER NOT NULL, ok INTEGER NOT NULL, latency_ms REAL NOT NULL);
      CREATE INDEX IF NOT EXISTS samples_by_monitor ON samples (monitor, at_ms);
      CREATE TABLE IF NOT EXISTS hours (monitor TEXT NOT NULL, hour INTEGER NOT NULL,
        total INTEGER NOT NULL, up INTEGER NOT NULL, latency_sum REAL NOT NULL,
        latency_n INTEGER NOT NULL, PRIMARY KEY (monitor, hour)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS history (monitor TEXT NOT NULL, at_ms INTEGER NOT NULL,
        up INTEGER NOT NULL, detail TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS history_by_monitor ON history (monitor, at_ms);
      CREATE TABLE IF NOT EXISTS incidents (id INTEGER PRIMARY KEY, title TEXT NOT NULL,
        status TEXT NOT NULL, impact TEXT NOT NULL, monitors TEXT NOT NULL,
        created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, resolved_ms INTEGER);
      CREATE TABLE IF NOT EXISTS incident_updates (id INTEGER PRIMARY KEY,
        incident INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
        at_ms INTEGER NOT NULL, status TEXT NOT NULL, body TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS maintenance (id INTEGER PRIMARY KEY, title TEXT NOT NULL,
        body TEXT NOT NULL, monitors TEXT NOT NULL, starts_ms INTEGER NOT NULL,
        ends_ms INTEGER NOT NULL);
    `);
    this.#db.pragma('foreign_keys = ON');
    this.#insertSample = this.#db.prepare(
      'INSERT INTO samples (monitor, vantage, at_ms, ok, latency_ms) VALUES (?, ?, ?, ?, ?)',
    );
    this.#upsertHour = this.#db.prepare(`
      INSERT INTO hours (monitor, hour, total, up, latency_sum, latency_n) VALUES (?, ?, 1, ?, ?, ?)
      ON CONFLICT (monitor, hour) DO UPDATE SET total = total + 1, up = up + excluded.up,
        latency_sum = latency_sum + excluded.latency_sum, latency_n = latency_n + excluded.latency_n`);
  }

  /**
   * Records one probe result from `vantage`, and whether the monitor's verdict was up right
   * after it (uptime counts verdicts, not single probes: one vantage point's bad path is not
   * downtime). `latencyMs` is left out of the averages for failed probes.
   */
  recordSample(
    monitor: string,
    vantage: string,
    ok: boolean,
    latencyMs: number,
    verdictUp: boolean,
  ): void {
    const at = this.#clock.now();
    this.#insertSample.run(monitor, vantage, at, ok ? 1 : 0, latencyMs);
    this.#upsertHour.run(
      monitor,
      Math.floor(at / HOUR_MS),
      verdictUp ? 1 : 0,
      ok ? latencyMs : 0,
      ok ? 1 : 0,
    );
  }

  /** Raw samples of a monitor since `sinceMs`, oldest first. */
  samples(monitor: string, sinceMs: number, limit = 500): Sample[] {
    const rows = this.#db
      .prepare(
        'SELECT at_ms, vantage, ok, latency_ms FROM samples WHERE monitor = ? AND at_ms >= ? ORDER BY at_ms DESC LIMIT ?',
      )
      .all(monitor, sinceMs, limit) as {
      at_ms: number;
      vantage: string;
      ok: number;
      latency_ms: number;
    }[];
    return rows
      .reverse()
      .map((r) => ({ atMs: r.at_ms, vantage: r.vantage, ok: r.ok === 1, latencyMs: r.latency_ms }));
  }

  /** Uptime (0–1) over the last `windowMs`, or undefined with no data in it. */
  uptime(monitor: string, windowMs: number): number | undefined {
    const from = Math.floor((this.#clock.now() - windowMs) / HOUR_MS) + 1;
    const row = this.#db
      .prepare(
        'SELECT SUM(total) AS total, SUM(up) AS up FROM hours WHERE monitor = ? AND hour >= ?',
      )
      .get(monitor, from) as { total: number | null; up: number | null };
    return row.total === null || row.total === 0 ? undefined : (row.up ?? 0) / row.total;
  }

  /** Per UTC day, the last `days` days, oldest first: uptime and mean latency (or undefined). */
  daily(
    monitor: string,
    days: number,
  ): { dayMs: number; uptime: number | undefined; latencyMs: number | undefined }[] {
    const today = Math.floor(this.#clock.now() / DAY_MS);
    const first = today - days + 1;
    const rows = this.#db
      .prepare(
        `SELECT hour / 24 AS day, SUM(total) AS total, SUM(up) AS up, SUM(latency_sum) AS ls, SUM(latency_n) AS ln
         FROM hours WHERE monitor = ? AND hour >= ? GROUP BY hour / 24`,
      )
      .all(monitor, first * 24) as {
      day: number;
      total: number;
      up: number;
      ls: number;
      ln: number;
    }[];
    const byDay = new Map(rows.map((r) => [r.day, r]));
    const out = [];
    for (let d = first; d <= today; d++) {
      const r = byDay.get(d);
      out.push({
        dayMs: d * DAY_MS,
        uptime: r === undefined || r.total === 0 ? undefined : r.up / r.total,
        latencyMs: r === undefined || r.ln === 0 ? undefined : r.ls / r.ln,
      });
    }
    return out;
  }

  /** Records a verdict change. */
  recordChange(monitor: string, up: boolean, detail: string): void {
    this.#db
      .prepare('INSERT INTO history (monitor, at_ms, up, detail) VALUES (?, ?, ?, ?)')
      .run(monitor, this.#clock.now(), up ? 1 : 0, detail);
  }

  /** Verdict changes, newest first. */
  history(monitor?: string, limit = 50): HistoryEntry[] {
    const rows = (
      monitor === undefined
        ? this.#db
            .prepare('SELECT * FROM history ORDER BY at_ms DESC, rowid DESC LIMIT ?')
            .all(limit)
        : this.#db
            .prepare(
              'SELECT * FROM history WHERE monitor = ? ORDER BY at_ms DESC, rowid DESC LIMIT ?',
            )
            .all(monitor, limit)
    ) as { monitor: string; at_ms: number; up: number; detail: string }[];
    return rows.map((r) => ({
      monitor: r.monitor,
      atMs: r.at_ms,
      up: r.up === 1,
      detail: r.detail,
    }));
  }

  /** Opens an incident with its first timeline entry; returns it. */
  createIncident(input: {
    title: string;
    body: string;
    impact?: IncidentImpact;
    status?: IncidentStatus;
    monitors?: readonly string[];
  }): Incident {
    const now = this.#clock.now();
    const status = input.status ?? 'investigating';
    const id = this.#db.transaction(() => {
      const r = this.#db
        .prepare(
          'INSERT INTO incidents (title, status, impact, monitors, created_ms, updated_ms, resolved_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          input.title,
          status,
          input.impact ?? 'minor',
          JSON.stringify(input.monitors ?? []),
          now,
          now,
          status === 'resolved' ? now : null,
        );
      const iid = Number(r.lastInsertRowid);
      this.#db
        .prepare('INSERT INTO incident_updates (incident, at_ms, status, body) VALUES (?, ?, ?, ?)')
        .run(iid, now, status, input.body);
      return iid;
    })();
    return this.incident(id)!;
  }

  /** Adds a timeline entry (and moves the status); `resolved` closes it. */
  updateIncident(id: number, status: IncidentStatus, body: string): Incident {
    const now = this.#clock.now();
    this.#db.transaction(() => {
      const r = this.#db
        .prepare(
          'UPDATE incidents SET status = ?, updated_ms = ?, resolved_ms = CASE WHEN ? THEN ? ELSE NULL END WHERE id = ?',
        )
        .run(status, now, status === 'resolved' ? 1 : 0, now, id);
      if (r.changes === 0) throw new RangeError(`StatusStore: no incident ${id}`);
      this.#db
        .prepare('INSERT INTO incident_updates (incident, at_ms, status, body) VALUES (?, ?, ?, ?)')
        .run(id, now, status, body);
    })();
    return this.incident(id)!;
  }

  /** One incident, or undefined. */
  incident(id: number): Incident | undefined {
    const row = this.#db.prepare('SELECT * FROM incidents WHERE id = ?').get(id) as
      IncidentRow | undefined;
    return row === undefined ? undefined : this.#toIncident(row);
  }

  /** Open incidents and those resolved in the last `recentMs`, newest first. */
  incidents(recentMs = 7 * DAY_MS): Incident[] {
    const rows = this.#db
      .prepare(
        'SELECT * FROM incidents WHERE resolved_ms IS NULL OR resolved_ms >= ? ORDER BY created_ms DESC, id DESC',
      )
      .all(this.#clock.now() - recentMs) as IncidentRow[];
    return rows.map((r) => this.#toIncident(r));
  }

  #toIncident(r: IncidentRow): Incident {
    const updates = (
      this.#db
        .prepare(
          'SELECT id, at_ms, status, body FROM incident_updates WHERE incident = ? ORDER BY at_ms, id',
        )
        .all(r.id) as {
        id: number;
        at_ms: number;
        status: IncidentStatus;
        body: string;
      }[]
    ).map((u) => ({ id: u.id, atMs: u.at_ms, status: u.status, body: u.body }));
    return {
      id: r.id,
      title: r.title,
      status: r.status,
      impact: r.impact,
      monitors: JSON.parse(r.monitors) as string[],
      createdMs: r.created_ms,
      updatedMs: r.updated_ms,
      resolvedMs: r.resolved_ms ?? undefined,
      updates,
    };
  }

  /** Schedules a maintenance window. */
  createMaintenance(input: {
    title: string;
    body?: string;
    monitors?: readonly string[];
    startsMs: number;
    endsMs: number;
  }): Maintenance {
    if (!(input.endsMs > input.startsMs)) {
      throw new RangeError(
        `StatusStore: maintenance must end after it starts, got ${input.startsMs}–${input.endsMs}`,
      );
    }
    const r = this.#db
      .prepare(
        'INSERT INTO maintenance (title, body, monitors, starts_ms, ends_ms) VALUES (?, ?, ?, ?, ?)',
      )
      .run(
        input.title,
        input.body ?? '',
        JSON.stringify(input.monitors ?? []),
        input.startsMs,
        input.endsMs,
      );
    return {
      id: Number(r.lastInsertRowid),
      title: input.title,
      body: input.body ?? '',
      monitors: input.monitors ?? [],
      startsMs: input.startsMs,
      endsMs: input.endsMs,
    };
  }

  /** Maintenance windows that have not ended, soonest first. */
  maintenance(): Maintenance[] {
    const rows = this.#db
      .prepare('SELECT * FROM maintenance WHERE ends_ms > ? ORDER BY starts_ms, id')
      .all(this.#clock.now()) as {
      id: number;
      title: string;
      body: string;
      monitors: string;
      starts_ms: number;
      ends_ms: number;
    }[];
    return rows.map((m) => ({
      id: m.id,
      title: m.title,
      body: m.body,
      monitors: JSON.parse(m.monitors) as string[],
      startsMs: m.starts_ms,
      endsMs: m.ends_ms,
    }));
  }

  /** Deletes what retention no longer covers. Returns the rows deleted. */
  prune(): number {
    const now = this.#clock.now();
    const old = now - this.#retentionMs;
    return this.#db.transaction(() => {
      let n = this.#db
        .prepare('DELETE FROM samples WHERE at_ms < ?')
        .run(now - this.#rawRetentionMs).changes;
      n += this.#db
        .prepare('DELETE FROM hours WHERE hour < ?')
        .run(Math.floor(old / HOUR_MS)).changes;
      n += this.#db.prepare('DELETE FROM history WHERE at_ms < ?').run(old).changes;
      n += this.#db
        .prepare('DELETE FROM incidents WHERE resolved_ms IS NOT NULL AND resolved_ms < ?')
        .run(old).changes;
      n += this.#db.prepare('DELETE FROM maintenance WHERE ends_ms < ?').run(old).changes;
      return n;
    })();
  }

  /** Row counts, to check that retention bounds the store. */
  counts(): { samples: number; hours: number; history: number; incidents: number } {
    const c = (t: string): number =>
      (this.#db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
    return {
      samples: c('samples'),
      hours: c('hours'),
      history: c('history'),
      incidents: c('incidents'),
    };
  }

  /** Closes the database. */
  close(): void {
    this.#db.close();
  }
}

function positive(name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new RangeError(`StatusStore: ${name} must be a finite number > 0, got ${String(v)}`);
  }
  return v;
}
