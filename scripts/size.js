// Prints what a course page downloads for the widget, gzipped: dist/tandem.js
// plus every chunk it imports statically (transitively). Lazy chunks, such as
// the French messages, load only on pages that need them and are listed apart.
// Fails above the budget. `npm run size` builds first.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const BUDGET = 25_600;
const ENTRY = 'dist/tandem.js';

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

if (!existsSync(ENTRY)) {
  console.error(`${ENTRY} is missing: run rollup -c first (npm run size does).`);
  process.exit(1);
}
const seen = new Set();
const lazy = new Set();
const queue = [ENTRY];
while (queue.length) {
  const file = queue.shift();
  if (seen.has(file)) continue;
  seen.add(file);
  const code = readFileSync(file, 'utf8');
  for (const spec of staticImports(code)) queue.push(join(dirname(file), spec));
  for (const spec of dynamicImports(code)) lazy.add(join(dirname(file), spec));
}
let total = 0;
for (const file of seen) {
  const size = gzip(file);
  total += size;
  console.log(`${String(size).padStart(7)}  ${relative('.', file)}`);
}
for (const file of lazy) if (!seen.has(file)) console.log(`${String(gzip(file)).padStart(7)}  ${relative('.', file)} (lazy, not counted)`);
console.log(`${String(total).padStart(7)}  total gzip -9 bytes (budget ${BUDGET})`);
if (total > BUDGET) {
  console.error(`Over budget by ${total - BUDGET} bytes.`);
  process.exit(1);
}
