// `npm run lint:openapi` lints the contract the server serves: this writes it, merged from
// openapi/openapi.yaml and openapi/paths/*.yaml, as one JSON file for the linters.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadOpenApi } from './openapi.js';

const [target] = process.argv.slice(2);
if (!target) {
  console.error('usage: tsx src/shared/openapi-bundle-cli.ts <file.json>');
  process.exit(2);
}
mkdirSync(path.dirname(target), { recursive: true });
writeFileSync(target, JSON.stringify(loadOpenApi(), null, 2) + '\n');
