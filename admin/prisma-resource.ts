import { ValidationError } from 'adminjs';
import { Resource as PrismaResource } from '@adminjs/prisma';

type UniqueViolation = { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string; constraint?: { fields?: string[] } } } } };

/** The fields of a unique constraint the write broke, or undefined for any other failure. */
function uniqueViolationFields(err: unknown): string[] | undefined {
  const cause = (err as UniqueViolation)?.meta?.driverAdapterError?.cause;
  if ((err as UniqueViolation)?.code !== 'P2002' || cause?.kind !== 'UniqueConstraintViolation') return undefined;
  return cause.constraint?.fields ?? [];
}

/**
 * @adminjs/prisma's resource, with a taken unique value (SKU, slug, name) answered as an error
 * on that field of the form instead of a crash. A pre-check could not cover two saves racing
 * for the same value; the database's unique index does.
 */
export class ShopPrismaResource extends PrismaResource {
  async create(params: Record<string, unknown>) {
    return super.create(params).catch(asFieldErrors);
  }

  async update(id: string, params: Record<string, unknown>) {
    return super.update(id, params).catch(asFieldErrors);
  }
}

function asFieldErrors(err: unknown): never {
  const fields = uniqueViolationFields(err);
  if (!fields) throw err;
  const errors = Object.fromEntries(fields.map((field) => [field, { message: `This ${field} is already used by another record`, type: 'unique' }]));
  throw new ValidationError(errors, { message: `Already taken: ${fields.join(', ')}`, type: 'unique' });
}
