import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FullDmmf } from './parse-dmmf.js';

/** Written beside the compiled module by `npm run build` (admin/build-assets.mjs); absent in the sources. */
export const DMMF_SNAPSHOT = fileURLToPath(new URL('./dmmf.json', import.meta.url));

export type { FullDmmf };
export type DmmfModel = FullDmmf['datamodel']['models'][number];

/**
 * Prisma's full model description. The client generated with `engineType = "client"` carries a
 * cut-down one (no ids, no relation details, empty enums) on which @adminjs/prisma cannot list
 * or link records. The compiled build reads the snapshot made at build time; from the sources
 * it is parsed from schema.prisma, so schema edits show up. Prisma's parser is loaded only then:
 * it costs ~110 MB of RSS and a second of CPU, the snapshot a few milliseconds.
 */
export async function loadFullDmmf(): Promise<FullDmmf> {
  if (existsSync(DMMF_SNAPSHOT)) return JSON.parse(await readFile(DMMF_SNAPSHOT, 'utf8')) as FullDmmf;
  const { parseFullDmmf } = await import('./parse-dmmf.js');
  return parseFullDmmf();
}
