// `npm run size` (which builds first): prints what a course page downloads for
// the widget, gzipped, and fails above the budget. See bundle-size.js for what counts.
import { relative } from 'node:path';
import { BUDGET_BYTES, measureBundle } from './bundle-size.js';

const NOTE = { eager: '', runtime: ' (loaded at once: counted)', catalogue: ' (lazy catalogue, largest: counted)', lazy: ' (lazy, not counted)' };
let result;
try {
  result = measureBundle();
} catch (error) {
  console.error(String(error.message ?? error));
  process.exit(1);
}
for (const { file, bytes, kind } of result.files) console.log(`${String(bytes).padStart(7)}  ${relative('.', file)}${NOTE[kind]}`);
console.log(`${String(result.total).padStart(7)}  total gzip -9 bytes (budget ${BUDGET_BYTES})`);
if (result.total > BUDGET_BYTES) {
  console.error(`Over budget by ${result.total - BUDGET_BYTES} bytes.`);
  process.exit(1);
}
