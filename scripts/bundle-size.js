// What a course page downloads for the widget, gzipped (-9). The page the
// budget is about is the heaviest one: a French page with every learner
// element, so the count is dist/tandem.js, every chunk it imports statically
// (transitively), the runtime chunk it imports at once (and any other
// non-catalogue lazy chunk), and the largest lazily loaded message catalogue
// (a page loads exactly one). Used by `npm run size` and `npm run bench`.
import { readFileSync, existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gzipSync, constants } from 'node:zlib';

export const BUDGET_BYTES = 25_600;
export const ENTRY = 'dist/tandem.js';
/** Lazy chunks named after a locale are message catalogues (rollup names a chunk after its module). */
const CATALOGUE = /^(en|fr)-[\w-]+\.js$/;

/** Relative specifiers of `import … from './x.js'` / `import './x.js'` (minified or not), but not `import('./x.js')`. */
function staticImports(code) {
  const found = new Set();
  for (const m of code.matchAll(/(?:\bimport|\bexport)\s*(?:[\w*{}\s,$]+?\s*from\s*)?["'](\.{1,2}\/[^"']+)["']/g)) found.add(m[1]);
  return [...found];
}
function dynamicImports(code) {
  return [...code.matchAll(/\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)].map((m) => m[1]);
}
const gzip = (file) => gzipSync(readFileSync(file), { level: constants.Z_BEST_COMPRESSION }).length;

/** `start` and everything it imports statically, transitively; `lazy` collects the dynamic imports met on the way. */
function closure(start, lazy) {
  const seen = new Set();
  const queue = [start];
  while (queue.length) {
    const file = queue.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const spec of staticImports(code)) queue.push(join(dirname(file), spec));
    for (const spec of dynamicImports(code)) lazy.add(join(dirname(file), spec));
  }
  return seen;
}

/**
 * @returns {{ total: number, files: { file: string, bytes: number, kind: 'eager' | 'runtime' | 'catalogue' | 'lazy' }[] }}
 *   `total` counts the eager files, every lazy chunk that is not a catalogue
 *   (the runtime chunk every page loads at once; any other lazy chunk counts
 *   too, to err on the heavy side) and the largest catalogue; the other
 *   catalogues are listed, not counted.
 */
export function measureBundle(entry = ENTRY) {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run rollup -c first`);
  const lazy = new Set();
  const eager = closure(entry, lazy);
  const runtime = new Set();
  for (const file of [...lazy]) {
    if (CATALOGUE.test(basename(file))) continue;
    for (const f of closure(file, lazy)) if (!eager.has(f)) runtime.add(f);
  }
  const loaded = new Set([...eager, ...runtime]);
  // The heaviest catalogue, counted with whatever it imports that the page has not already brought.
  let catalogue = { files: [], size: 0 };
  for (const file of lazy) {
    if (!CATALOGUE.test(basename(file))) continue;
    const files = [...closure(file, new Set())].filter((f) => !loaded.has(f));
    const size = files.reduce((sum, f) => sum + gzip(f), 0);
    if (size > catalogue.size) catalogue = { files, size };
  }
  const files = [
    ...[...eager].map((file) => ({ file, bytes: gzip(file), kind: 'eager' })),
    ...[...runtime].map((file) => ({ file, bytes: gzip(file), kind: 'runtime' })),
    ...catalogue.files.map((file) => ({ file, bytes: gzip(file), kind: 'catalogue' })),
  ];
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  for (const file of lazy) if (!files.some((f) => f.file === file)) files.push({ file, bytes: gzip(file), kind: 'lazy' });
  return { total, files };
}
