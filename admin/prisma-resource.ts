import { BaseRecord, ValidationError, type ActionContext, type CurrentAdmin, type Filter } from 'adminjs';
import { convertFilter, Resource as PrismaResource } from '@adminjs/prisma';

type UniqueViolation = { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string; constraint?: { fields?: string[] } } } } };

/** The fields of a unique constraint the write broke, or undefined for any other failure. */
export function uniqueViolationFields(err: unknown): string[] | undefined {
  const cause = (err as UniqueViolation)?.meta?.driverAdapterError?.cause;
  if ((err as UniqueViolation)?.code !== 'P2002' || cause?.kind !== 'UniqueConstraintViolation') return undefined;
  return cause.constraint?.fields ?? [];
}

/**
 * A model's own writes, in place of the adapter's plain create/update/delete: for the rows whose
 * change must change others in the same transaction (a product's first variant, an option's
 * values in its variants). They get the adapter's prepared data (Prisma field names).
 */
export type ModelWrites = {
  /**
   * `params` are the action's own, for values that are no field of the model (a product's first
   * variant); `staff` is who is signed in (a variant's initial stock is theirs in the ledger)
   */
  create?(data: Record<string, unknown>, params: Record<string, unknown>, staff?: CurrentAdmin): Promise<Record<string, unknown>>;
  update?(id: string, data: Record<string, unknown>): Promise<Record<string, unknown>>;
  delete?(id: string): Promise<void>;
};

/** Maps a unique index's fields to the form field and message that explain it to staff. */
export type UniqueMessages = Record<string, { field: string; message: string }>;

/** A list filter on no column of the model (an order's zone, through its method): its value as a Prisma `where`. */
export type CustomFilters = Record<string, (value: unknown) => Record<string, unknown>>;

type Args = ConstructorParameters<typeof PrismaResource>[0] & {
  writes?: ModelWrites;
  uniqueMessages?: UniqueMessages;
  customFilters?: CustomFilters;
  /** why a row that others still reference cannot be deleted (a zone with methods) */
  inUseMessage?: string;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: unknown) => typeof value === 'string' && UUID.test(value);
/** A `where` no row matches (by an `id` column): for a filter value that cannot match anything, like a malformed uuid. */
export const MATCHES_NOTHING = { id: { in: [] } };

type Column = { name: string; type: string; isList?: boolean; nativeType?: [string, string[]] | null };
const isUuidColumn = (column: Column | undefined) => column?.nativeType?.[0] === 'Uuid';

/**
 * @adminjs/prisma's resource, with a taken unique value (SKU, slug, name) answered as an error
 * on that field of the form instead of a crash. A pre-check could not cover two saves racing
 * for the same value; the database's unique index does.
 */
export class ShopPrismaResource extends PrismaResource {
  private readonly writes: ModelWrites;
  private readonly uniqueMessages: UniqueMessages;
  private readonly customFilters: CustomFilters;
  private readonly inUseMessage?: string;

  constructor(args: Args) {
    super(args);
    this.writes = args.writes ?? {};
    this.uniqueMessages = args.uniqueMessages ?? {};
    this.customFilters = args.customFilters ?? {};
    this.inUseMessage = args.inUseMessage;
  }

  // Lists and counts: the adapter's filters, plus the custom ones. A filter on no property (a
  // typo in a link) is left out, and a value no uuid column can hold matches nothing: both
  // would otherwise be a crash (a 500) in the adapter or the database.
  private where(filter?: Filter): Record<string, unknown> {
    const own: Record<string, unknown> = {};
    const extra: Record<string, unknown>[] = [];
    for (const [path, entry] of Object.entries(filter?.filters ?? {})) {
      const custom = this.customFilters[path];
      if (custom) extra.push(custom(entry.value));
      else if (!entry.property) continue;
      else if (!this.holdsValue(path, entry.value)) extra.push({ [this.idProperty.path()]: { in: [] } });
      else own[path] = entry;
    }
    const where = convertFilter(this.model.fields, { filters: own } as unknown as Filter);
    return extra.length ? { AND: [where, ...extra] } : where;
  }

  /** Whether a filter value could be in the column behind `path`: a uuid column holds only uuids, a flag only true or false... */
  private holdsValue(path: string, value: unknown): boolean {
    const property = this.property(path);
    const columnName = property?.foreignColumnName() ?? path;
    const column = (this.model.fields as readonly Column[]).find((f) => f.name === columnName);
    if (isUuidColumn(column)) return isUuid(value);
    if (column?.isList) return true; // the adapter's own handling
    if (column?.type === 'Boolean') return value === 'true' || value === 'false';
    if (column?.type === 'Int') return typeof value === 'string' && /^-?\d{1,10}$/.test(value) && Math.abs(Number(value)) <= 2 ** 31 - 1;
    if (column?.type === 'DateTime') {
      const ends = typeof value === 'object' && value !== null ? Object.values(value as Record<string, unknown>) : [value];
      return ends.every((end) => typeof end === 'string' && !Number.isNaN(new Date(end).getTime()));
    }
    return true;
  }

  async count(filter: Filter) {
    return this.manager.count({ where: this.where(filter) });
  }

  async find(filter: Filter, params: { limit?: number; offset?: number; sort?: { sortBy?: string; direction?: 'asc' | 'desc' } } = {}) {
    const { limit = 10, offset = 0, sort = {} } = params;
    const rows = await this.manager.findMany({ where: this.where(filter), skip: offset, take: limit, orderBy: this.buildSortBy(sort) });
    return rows.map((row: Record<string, unknown>) => new BaseRecord(this.prepareReturnValues(row), this));
  }

  /** The id as the column holds it: a one-row table's boolean id arrives as "true"; a malformed uuid finds nothing. */
  private idValue(id: string | number): string | number | bigint | boolean | undefined {
    const column = (this.model.fields as readonly Column[]).find((f) => f.name === this.idProperty.path());
    if (column?.type === 'Boolean') return id === 'true' || id === 'false' ? id === 'true' : undefined;
    if (isUuidColumn(column)) return isUuid(id) ? id : undefined;
    if (column?.type === 'BigInt') return /^\d{1,18}$/.test(String(id)) ? BigInt(id) : undefined;
    return id;
  }

  async findOne(id: string | number) {
    const key = this.idValue(id);
    if (key === undefined) return null;
    const row = await this.manager.findUnique({ where: { [this.idProperty.path()]: key } });
    return row ? new BaseRecord(this.prepareReturnValues(row), this) : null;
  }

  async findMany(ids: (string | number)[]) {
    const keys = ids.map((id) => this.idValue(id)).filter((key) => key !== undefined);
    if (!keys.length) return [];
    const rows = await this.manager.findMany({ where: { [this.idProperty.path()]: { in: keys } } });
    return rows.map((row: Record<string, unknown>) => new BaseRecord(this.prepareReturnValues(row), this));
  }

  async create(params: Record<string, unknown>, context?: ActionContext) {
    const write = this.writes.create
      ? this.writes.create(this.prepareParams(params), params, context?.currentAdmin).then((row) => this.prepareReturnValues(row))
      : super.create(params);
    return write.catch((err) => this.asFieldErrors(err));
  }

  async update(id: string, params: Record<string, unknown>) {
    const write = this.writes.update
      ? this.writes.update(id, this.prepareParams(params)).then((row) => this.prepareReturnValues(row))
      : super.update(id, params);
    return write.catch((err) => this.asFieldErrors(err));
  }

  async delete(id: string) {
    const remove = this.writes.delete ? this.writes.delete(id) : super.delete(id);
    return remove.catch((err) => {
      // another row still points at this one (ON DELETE RESTRICT): say what holds it, change nothing
      if ((err as { code?: string })?.code === 'P2003' && this.inUseMessage) throw new ValidationError({}, { message: this.inUseMessage, type: 'in_use' });
      throw err;
    });
  }

  // A BIGINT column (a ledger's id) comes from Prisma as a bigint, which JSON cannot carry to
  // the browser: as a number (ids far below 2^53).
  prepareReturnValues(params: Record<string, unknown>) {
    const values = super.prepareReturnValues(params);
    for (const [key, value] of Object.entries(values)) if (typeof value === 'bigint') values[key] = Number(value);
    return values;
  }

  private asFieldErrors(err: unknown): never {
    const fields = uniqueViolationFields(err);
    if (!fields) throw err;
    const known = this.uniqueMessages[fields.join(',')];
    const errors = known
      ? { [known.field]: { message: known.message, type: 'unique' } }
      : Object.fromEntries(fields.map((field) => [field, { message: `This ${field} is already used by another record`, type: 'unique' }]));
    throw new ValidationError(errors, { message: known ? known.message : `Already taken: ${fields.join(', ')}`, type: 'unique' });
  }
}
