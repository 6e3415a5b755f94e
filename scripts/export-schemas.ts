/**
 * `npm run schemas` (also the last step of `npm run build`): writes
 * dist/schema/<Name>.json, one JSON Schema (draft 2020-12) for each wire
 * schema of the API, and dist/schema/index.json listing them with their routes.
 * See scripts/schemas/json-schema.ts for how refines become JSON Schema.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchemaExport } from './schemas/json-schema.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(root, process.argv[2] ?? 'dist/schema');

const { files, index, lost } = buildSchemaExport();
if (lost.length > 0) {
  console.error(`export-schemas: refines with no JSON Schema equivalent:\n  ${lost.join('\n  ')}`);
  process.exit(1);
}
mkdirSync(outDir, { recursive: true });
// Drop files of schemas that no longer exist.
for (const name of readdirSync(outDir)) if (name.endsWith('.json')) rmSync(join(outDir, name));
for (const [name, schema] of files) writeFileSync(join(outDir, name), JSON.stringify(schema, null, 2) + '\n');
writeFileSync(join(outDir, 'index.json'), JSON.stringify(index, null, 2) + '\n');
console.log(`export-schemas: ${files.size} schemas and index.json in ${outDir}`);
