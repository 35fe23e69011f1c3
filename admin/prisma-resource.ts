import { ValidationError } from 'adminjs';
import { Resource as PrismaResource } from '@adminjs/prisma';

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
  /** `params` are the action's own, for values that are no field of the model (a product's first variant) */
  create?(data: Record<string, unknown>, params: Record<string, unknown>): Promise<Record<string, unknown>>;
  update?(id: string, data: Record<string, unknown>): Promise<Record<string, unknown>>;
  delete?(id: string): Promise<void>;
};

/** Maps a unique index's fields to the form field and message that explain it to staff. */
export type UniqueMessages = Record<string, { field: string; message: string }>;

type Args = ConstructorParameters<typeof PrismaResource>[0] & { writes?: ModelWrites; uniqueMessages?: UniqueMessages };

/**
 * @adminjs/prisma's resource, with a taken unique value (SKU, slug, name) answered as an error
 * on that field of the form instead of a crash. A pre-check could not cover two saves racing
 * for the same value; the database's unique index does.
 */
export class ShopPrismaResource extends PrismaResource {
  private readonly writes: ModelWrites;
  private readonly uniqueMessages: UniqueMessages;

  constructor(args: Args) {
    super(args);
    this.writes = args.writes ?? {};
    this.uniqueMessages = args.uniqueMessages ?? {};
  }

  async create(params: Record<string, unknown>) {
    const write = this.writes.create
      ? this.writes.create(this.prepareParams(params), params).then((row) => this.prepareReturnValues(row))
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
    return this.writes.delete ? this.writes.delete(id) : super.delete(id);
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
