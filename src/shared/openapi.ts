import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import YAML from 'yaml';

type Document = { paths: Record<string, unknown>; webhooks?: Record<string, unknown>; components: Record<string, Record<string, unknown>> } & Record<
  string,
  unknown
>;

const OPENAPI_DIR = fileURLToPath(new URL('../../openapi/', import.meta.url));

/**
 * The contract: openapi/openapi.yaml (info, shared components) plus one file per domain under
 * openapi/paths/, each with its own `paths`, `webhooks` (what the shop sends) and `components`,
 * merged into one document.
 */
export function loadOpenApi(): Document {
  const root = YAML.parse(readFileSync(path.join(OPENAPI_DIR, 'openapi.yaml'), 'utf8')) as Document;
  root.paths ??= {};
  root.components ??= {};
  const dir = path.join(OPENAPI_DIR, 'paths');
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const part = YAML.parse(readFileSync(path.join(dir, file), 'utf8')) as Partial<Document>;
    for (const [route, item] of Object.entries(part.paths ?? {})) {
      if (root.paths[route]) throw new Error(`openapi: ${route} is defined twice (${file})`);
      root.paths[route] = item;
    }
    if (part.webhooks) root.webhooks = { ...root.webhooks, ...part.webhooks };
    for (const [kind, entries] of Object.entries(part.components ?? {})) {
      root.components[kind] = { ...root.components[kind], ...entries };
    }
  }
  return root;
}
