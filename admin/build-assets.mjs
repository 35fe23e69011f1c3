// Second half of `npm run build`, after tsc has compiled the TypeScript into dist/: copies what the
// compiled code reads at run time, snapshots Prisma's full model description, and bundles the
// staff panel's browser components, so that `node dist/src/main.js` parses and bundles nothing.
import { cpSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundle } from '@adminjs/bundler';
import { panelComponents } from '../dist/admin/components.js';
import { DMMF_SNAPSHOT } from '../dist/admin/dmmf.js';
import { parseFullDmmf } from '../dist/admin/parse-dmmf.js';

cpSync('openapi', 'dist/openapi', { recursive: true });
cpSync('prisma/migrations', 'dist/prisma/migrations', { recursive: true });
cpSync('prisma/schema.prisma', 'dist/prisma/schema.prisma');
// AdminJS's component loader checks the component files exist, even with a prebuilt bundle.
cpSync('admin/components', 'dist/admin/components', { recursive: true });

writeFileSync(DMMF_SNAPSHOT, JSON.stringify(await parseFullDmmf()));

const { loader } = panelComponents();
// @adminjs/upload adds its own components when its feature is built (admin/resources/media.ts):
// the same files by the same names, so the prebuilt bundle has them.
for (const name of ['UploadEditComponent', 'UploadListComponent', 'UploadShowComponent']) {
  loader.add(name, fileURLToPath(new URL(`./features/upload-file/components/${name}`, import.meta.resolve('@adminjs/upload'))));
}
await bundle({ componentLoader: loader, destinationDir: 'dist/admin/assets' });
