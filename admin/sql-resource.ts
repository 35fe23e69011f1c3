// The frame of the panel's hand-written read-only resources over SQL (the audit trail, background
// jobs): what AdminJS asks of every resource, and the WHERE their list filters build.
import { BaseResource, type BaseProperty, type BaseRecord } from 'adminjs';
import type pg from 'pg';

export abstract class SqlResource extends BaseResource {
  constructor(
    protected readonly pool: pg.Pool,
    private readonly about: { id: string; databaseName: string; properties: BaseProperty[] },
  ) {
    super();
  }

  id() {
    return this.about.id;
  }
  databaseName() {
    return this.about.databaseName;
  }
  databaseType() {
    return 'postgresql';
  }
  properties() {
    return this.about.properties;
  }
  property(path: string) {
    return this.about.properties.find((p) => p.path() === path) ?? null;
  }

  async findOne(id: string): Promise<BaseRecord | null> {
    return (await this.findMany([id]))[0] ?? null;
  }
}

const validDate = (value: unknown) => typeof value === 'string' && value !== '' && !Number.isNaN(Date.parse(value));

/**
 * A list's WHERE, from `first` and the conditions added, joined by AND; each value gets its own
 * placeholder ($n), so nothing a filter sends is spliced into the SQL.
 */
export function listWhere(first: string) {
  const conditions = [first];
  const values: unknown[] = [];
  const add = (condition: (n: number) => string, value: unknown) => {
    values.push(value);
    conditions.push(condition(values.length));
  };
  return {
    add,
    /** AdminJS's date-range filter ({ from, to }) on a timestamptz column; a bound that is no date is left out. */
    addTimeRange(column: string, filterValue: unknown) {
      const range = filterValue as { from?: unknown; to?: unknown } | undefined;
      if (validDate(range?.from)) add((n) => `${column} >= $${n}::timestamptz`, range!.from);
      if (validDate(range?.to)) add((n) => `${column} <= $${n}::timestamptz`, range!.to);
    },
    done: () => ({ sql: conditions.join(' AND '), values }),
  };
}
