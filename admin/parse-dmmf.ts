import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import internals from '@prisma/internals';
import type { FullDmmf } from './dmmf.js';

const SCHEMA = fileURLToPath(new URL('../prisma/schema.prisma', import.meta.url));

/** Parses schema.prisma with Prisma's own Wasm parser (a development and build-time dependency). */
export async function parseFullDmmf(): Promise<FullDmmf> {
  const { datamodel } = await internals.getDMMF({ datamodel: await readFile(SCHEMA, 'utf8') });
  return { datamodel };
}
