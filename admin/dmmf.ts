import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type * as Internals from '@prisma/internals';

const SCHEMA = fileURLToPath(new URL('../prisma/schema.prisma', import.meta.url));
/** Written beside the compiled module by `npm run build` (scripts/build-assets.ts); absent in the sources. */
export const DMMF_SNAPSHOT = fileURLToPath(new URL('./dmmf.json', import.meta.url));

/** The part @adminjs/prisma reads (the rest, Prisma's query schema, is twenty times its size). */
export type FullDmmf = Pick<Awaited<ReturnType<typeof Internals.getDMMF>>, 'datamodel'>;
export type DmmfModel = FullDmmf['datamodel']['models'][number];

/**
 * Prisma's full model description. The client generated with `engineType = "client"` carries a
 * cut-down one (no ids, no relation details, empty enums) on which @adminjs/prisma cannot list
 * or link records. The compiled build reads the snapshot made at build time; from the sources
 * it is parsed from schema.prisma, so schema edits show up (Prisma's Wasm parser costs ~60 MB
 * of memory, which a production process does without).
 */
export async function loadFullDmmf(): Promise<FullDmmf> {
  if (existsSync(DMMF_SNAPSHOT)) return JSON.parse(await readFile(DMMF_SNAPSHOT, 'utf8')) as FullDmmf;
  return parseFullDmmf();
}

export async function parseFullDmmf(): Promise<FullDmmf> {
  const { default: internals } = await import('@prisma/internals');
  const { datamodel } = await internals.getDMMF({ datamodel: await readFile(SCHEMA, 'utf8') });
  return { datamodel };
}
