// The audit trail (audit_log) as a read-only AdminJS resource over SQL, newest first. Not the
// Prisma adapter: its ids are BIGINT (which AdminJS cannot serialise), its filters would match
// a resource name by substring ("Product" finds "ProductVariant"), and it would store the
// logger's `difference` (JSON text) as a JSON string instead of an object.
import { BaseProperty, BaseRecord, type Filter, type ParamsType } from 'adminjs';
import type pg from 'pg';
import { recordStaffAction } from '../src/audit/audit-trail.js';
import type { Queryable } from '../src/shared/db.js';
import { listWhere, SqlResource } from './sql-resource.js';

export const AUDIT_LOG = 'AuditLog';

type EntryRow = {
  id: string;
  action: string;
  resource: string;
  recordId: string | null;
  recordTitle: string | null;
  difference: unknown;
  userId: string;
  staffName: string | null;
  createdAt: Date;
};

/** One entry of a record's history, as its page shows it. */
export type AuditEntry = Omit<EntryRow, 'createdAt'> & { createdAt: string };

const COLUMNS = `l.id::text AS id, l.action, l.resource, l.record_id AS "recordId", l.record_title AS "recordTitle", l.difference,
  l.user_id AS "userId", coalesce(s.name, s.email) AS "staffName", l.created_at AS "createdAt"`;
// user_id is text (a staff user's id); the join finds their name when it is one (CASE: the
// cast must never meet text that is not a uuid)
const FROM = `audit_log l LEFT JOIN users s ON s.id = CASE WHEN l.user_id ~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$' THEN l.user_id::uuid END`;

const PROPERTIES = [
  new BaseProperty({ path: 'id', isId: true, isSortable: false }),
  new BaseProperty({ path: 'createdAt', type: 'datetime' }),
  new BaseProperty({ path: 'userId', type: 'reference', isSortable: false }),
  new BaseProperty({ path: 'action' }),
  new BaseProperty({ path: 'resource' }),
  new BaseProperty({ path: 'recordId', isSortable: false }),
  new BaseProperty({ path: 'recordTitle', isSortable: false }),
  new BaseProperty({ path: 'difference', isSortable: false }),
];

const toParams = (row: EntryRow): ParamsType => ({ ...row, difference: row.difference === null ? '' : JSON.stringify(row.difference) });
const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

/** A record's audit entries, newest first: for the History section of its page. */
export async function recordHistory(db: Queryable, resource: string, recordId: string, limit = 100): Promise<AuditEntry[]> {
  const { rows } = await db.query<EntryRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE l.resource = $1 AND l.record_id = $2 ORDER BY l.id DESC LIMIT $3`, [
    resource,
    recordId,
    limit,
  ]);
  return rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() }));
}

export class AuditLogResource extends SqlResource {
  constructor(pool: pg.Pool) {
    super(pool, { id: AUDIT_LOG, databaseName: 'shop', properties: PROPERTIES });
  }

  // Exact matches on the resource, record, staff user and action (what a History link and the
  // filters send), and a time range; anything else is left out rather than sent to the database.
  private where(filter?: Filter): { sql: string; values: unknown[] } {
    const where = listWhere('true');
    const { resource, recordId, userId, action, createdAt } = filter?.filters ?? {};
    for (const [column, entry] of [
      ['resource', resource],
      ['record_id', recordId],
      ['user_id', userId],
      ['action', action],
    ] as const) {
      const value = text(entry?.value);
      if (value !== undefined) where.add((n) => `l.${column} = $${n}`, value);
    }
    where.addTimeRange('l.created_at', createdAt?.value);
    return where.done();
  }

  async count(filter: Filter): Promise<number> {
    const { sql, values } = this.where(filter);
    const { rows } = await this.pool.query<{ count: number }>(`SELECT COUNT(*)::int AS count FROM audit_log l WHERE ${sql}`, values);
    return rows[0].count;
  }

  /** Newest first whatever the sort asked: entries are written in time order, so the id orders them. */
  async find(filter: Filter, options: { limit?: number; offset?: number; sort?: { sortBy?: string; direction?: 'asc' | 'desc' } } = {}): Promise<BaseRecord[]> {
    const { sql, values } = this.where(filter);
    const direction = options.sort?.direction === 'asc' ? 'ASC' : 'DESC';
    values.push(options.limit ?? 10, options.offset ?? 0);
    const { rows } = await this.pool.query<EntryRow>(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE ${sql} ORDER BY l.id ${direction} LIMIT $${values.length - 1} OFFSET $${values.length}`,
      values,
    );
    return rows.map((row) => new BaseRecord(toParams(row), this));
  }

  async findMany(ids: (string | number)[]): Promise<BaseRecord[]> {
    const numbers = ids.map(String).filter((id) => /^\d{1,18}$/.test(id));
    if (!numbers.length) return [];
    const { rows } = await this.pool.query<EntryRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE l.id = ANY($1::bigint[])`, [numbers]);
    return rows.map((row) => new BaseRecord(toParams(row), this));
  }

  /**
   * What @adminjs/logger writes after a panel edit: its `difference` arrives as JSON text and is
   * stored as the object it is. Staff never create entries (the resource's `new` is refused).
   */
  async create(params: Record<string, unknown>): Promise<ParamsType> {
    const difference = typeof params.difference === 'string' ? (JSON.parse(params.difference) as Record<string, unknown>) : undefined;
    const recordId = params.recordId === undefined || params.recordId === null ? undefined : String(params.recordId);
    await recordStaffAction(this.pool, {
      staffId: String(params.userId),
      action: String(params.action),
      resource: String(params.resource),
      recordId,
      recordTitle: typeof params.recordTitle === 'string' ? params.recordTitle : undefined,
      difference,
    });
    return params;
  }
}
