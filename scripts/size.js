// Prints what a course page downloads for the widget, gzipped (-9), and fails
// above the budget. The page the budget is about is the heaviest one: a
// French page with every learner element, so it counts dist/tandem.js, every
// chunk it imports statically (transitively), and the largest lazily loaded
// message catalogue with its own static imports (a page loads exactly one).
// Other lazy chunks are listed apart, not counted. `npm run size` builds first.
import { readFileSync, existsSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const BUDGET = 25_600;
const ENTRY = 'dist/tandem.js';
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

if (!existsSync(ENTRY)) {
  console.error(`${ENTRY} is missing: run rollup -c first (npm run size does).`);
  process.exit(1);
}
const lazy = new Set();
const eager = closure(ENTRY, lazy);

// The heaviest catalogue, counted with whatever it imports that the entry has not already brought.
let catalogue = { files: [], size: 0 };
for (const file of lazy) {
  if (!CATALOGUE.test(basename(file))) continue;
  const files = [...closure(file, new Set())].filter((f) => !eager.has(f));
  const size = files.reduce((sum, f) => sum + gzip(f), 0);
  if (size > catalogue.size) catalogue = { files, size };
}
const counted = new Set([...eager, ...catalogue.files]);

let total = 0;
for (const file of counted) {
  const size = gzip(file);
  total += size;
  const why = eager.has(file) ? '' : ' (lazy catalogue, largest: counted)';
  console.log(`${String(size).padStart(7)}  ${relative('.', file)}${why}`);
}
for (const file of lazy) if (!counted.has(file)) console.log(`${String(gzip(file)).padStart(7)}  ${relative('.', file)} (lazy, not counted)`);
console.log(`${String(total).padStart(7)}  total gzip -9 bytes (budget ${BUDGET})`);
if (total > BUDGET) {
  console.error(`Over budget by ${total - BUDGET} bytes.`);
  process.exit(1);
}
