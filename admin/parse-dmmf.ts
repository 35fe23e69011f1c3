import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import internals from '@prisma/internals';

/** The part @adminjs/prisma reads (the rest, Prisma's query schema, is thirty times its size). */
export type FullDmmf = Pick<Awaited<ReturnType<typeof internals.getDMMF>>, 'datamodel'>;

const SCHEMA = fileURLToPath(new URL('../prisma/schema.prisma', import.meta.url));

/** Parses schema.prisma with Prisma's own Wasm parser (a development and build-time dependency). */
export async function parseFullDmmf(): Promise<FullDmmf> {
  const { datamodel } = await internals.getDMMF({ datamodel: await readFile(SCHEMA, 'utf8') });
  return { datamodel };
}
