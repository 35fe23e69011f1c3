import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import internals from '@prisma/internals';

const SCHEMA = fileURLToPath(new URL('../prisma/schema.prisma', import.meta.url));

export type FullDmmf = Awaited<ReturnType<typeof internals.getDMMF>>;
export type DmmfModel = FullDmmf['datamodel']['models'][number];

/**
 * Prisma's full model description, read from schema.prisma with Prisma's own Wasm parser.
 * The client generated with `engineType = "client"` carries a cut-down one (no ids, no
 * relation details, empty enums) on which @adminjs/prisma cannot list or link records.
 */
export async function loadFullDmmf(): Promise<FullDmmf> {
  return internals.getDMMF({ datamodel: await readFile(SCHEMA, 'utf8') });
}
