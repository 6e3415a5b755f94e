// What a course page downloads for the widget, gzipped (-9), for two pages:
//
// - a part-1 page (<tandem-invite>, <tandem-join>, <tandem-groups>): dist/tandem.js,
//   every chunk it imports statically (transitively), the runtime chunk it imports at
//   once (and any other lazy chunk that is not part 2's, to err on the heavy side),
//   and the largest part-1 message catalogue (a page loads exactly one);
// - a page with every learner element: all of that, plus part 2's chunk (imported
//   once <tandem-peers> or <tandem-ask> is on the page, or by <tandem-groups> when
//   the learner has requests to answer) with what it imports, and the largest
//   part-2 catalogue.
//
// Part 2's chunks are named, so a new lazy chunk counts on the part-1 page unless it
// is one of them. Used by `npm run size` and by `npm run bench` (measureBundle).
//
// The instructor's dashboard is a script of its own, dist/tandem-dashboard.js, with a
// budget of its own (measureDashboard); no learner page may load it.
import { readFileSync, existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gzipSync, constants } from 'node:zlib';

/** The part-1 page (bench's `bundle.gzip_bytes`). */
export const BUDGET_BYTES = 25_600;
/** The page with every learner element. */
export const ALL_ELEMENTS_BUDGET_BYTES = 32_768;
export const ENTRY = 'dist/tandem.js';
/** The instructor's dashboard script with whatever it loads (bench's `bundle.dashboard_gzip_bytes`). */
export const DASHBOARD_BUDGET_BYTES = 30_720;
export const DASHBOARD_ENTRY = 'dist/tandem-dashboard.js';

/** Lazy chunks are named after their module (rollup.config.js): message catalogues after their language. */
const CATALOGUE = /^(en|fr)-[\w-]+\.js$/;
const PART2_CATALOGUE = /^peers-(en|fr)-[\w-]+\.js$/;
/** Part 2's code (src/elements/part2.ts and what only it imports). */
const PART2 = /^part2-[\w-]+\.js$/;
/**
 * Text that only part 2's code holds (its routes): finding it in a file a part-1
 * page loads means part 2 leaked into part 1, whatever the chunk names say.
 */
const PART2_MARKERS = ['me/profile', 'peers?page='];

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

/** Adds `files` (a set) that `loaded` does not hold yet to `loaded`, and returns them. */
function add(loaded, files) {
  const added = [...files].filter((f) => !loaded.has(f));
  for (const f of added) loaded.add(f);
  return added;
}

/** Of the catalogues matching `pattern`, the heaviest with what it imports that `loaded` lacks. */
function heaviest(lazy, pattern, loaded) {
  let best = { files: [], size: 0 };
  for (const file of lazy) {
    if (!pattern.test(basename(file))) continue;
    const files = [...closure(file, new Set())].filter((f) => !loaded.has(f));
    const size = files.reduce((sum, f) => sum + gzip(f), 0);
    if (size > best.size) best = { files, size };
  }
  return best.files;
}

/**
 * @typedef {{ file: string, bytes: number, kind: 'eager' | 'runtime' | 'catalogue' | 'part2' | 'part2-catalogue' | 'lazy' }} Measured
 * @returns {{ part1: { total: number, files: Measured[] }, all: { total: number, files: Measured[] }, leaks: string[] }}
 *   `part1` and `all` are the two pages; `leaks` says where part 2's code reached a
 *   part-1 page (a part-2 chunk it imports statically, or part 2's text in one of its files).
 */
export function measurePages(entry = ENTRY) {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run rollup -c first`);
  const lazy = new Set();
  const loaded = new Set();
  const files = [];
  const take = (list, kind) => files.push(...add(loaded, list).map((file) => ({ file, bytes: gzip(file), kind })));

  take(closure(entry, lazy), 'eager');
  // Every lazy chunk but part 2's and the catalogues, with what it imports (the lazy set grows as it is read).
  for (let more = true; more; ) {
    more = false;
    for (const file of [...lazy]) {
      const name = basename(file);
      if (loaded.has(file) || PART2.test(name) || CATALOGUE.test(name) || PART2_CATALOGUE.test(name)) continue;
      take(closure(file, lazy), 'runtime');
      more = true;
    }
  }
  take(heaviest(lazy, CATALOGUE, loaded), 'catalogue');
  const part1 = [...files];

  const leaks = [];
  for (const { file } of part1) {
    if (PART2.test(basename(file)) || PART2_CATALOGUE.test(basename(file))) leaks.push(`${file} is part 2's, imported statically by a part-1 page`);
    const code = readFileSync(file, 'utf8');
    for (const marker of PART2_MARKERS) if (code.includes(marker)) leaks.push(`${file} holds part 2's "${marker}"`);
  }

  for (const file of [...lazy]) if (PART2.test(basename(file))) take(closure(file, lazy), 'part2');
  take(heaviest(lazy, PART2_CATALOGUE, loaded), 'part2-catalogue');
  const sum = (list) => list.reduce((total, f) => total + f.bytes, 0);
  const all = [...files];
  for (const file of lazy) if (!loaded.has(file)) all.push({ file, bytes: gzip(file), kind: 'lazy' });
  return { part1: { total: sum(part1), files: part1 }, all: { total: sum(files), files: all }, leaks };
}

/**
 * The part-1 page: `total` counts tandem.js with its static imports, every
 * lazy chunk that is not part 2's nor a catalogue (the runtime chunk every
 * page loads at once), and the largest part-1 catalogue. (bench/run.ts reads it.)
 * @returns {{ total: number, files: { file: string, bytes: number, kind: string }[] }}
 */
export function measureBundle(entry = ENTRY) {
  return measurePages(entry).part1;
}

/**
 * The instructor's page: `tandem-dashboard.js`, every file it imports
 * statically, and every file it may import lazily (none today: it is built as
 * one file), all counted. (bench/run.ts prints `total` as `bundle.dashboard_gzip_bytes`.)
 * @returns {{ total: number, files: { file: string, bytes: number }[] }}
 */
export function measureDashboard(entry = DASHBOARD_ENTRY) {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run rollup -c first`);
  const lazy = new Set();
  const loaded = closure(entry, lazy);
  // What it loads lazily counts too, with what that imports (the lazy set grows as it is read).
  for (let more = true; more; ) {
    more = false;
    for (const file of [...lazy]) {
      if (loaded.has(file)) continue;
      for (const f of closure(file, lazy)) loaded.add(f);
      more = true;
    }
  }
  const files = [...loaded].map((file) => ({ file, bytes: gzip(file) }));
  return { total: files.reduce((sum, f) => sum + f.bytes, 0), files };
}

/** Learner files (of `measurePages`) that name the dashboard's tag: its code would have reached a learner page. */
export function dashboardLeaks(pages) {
  return pages.all.files.filter(({ file }) => readFileSync(file, 'utf8').includes('tandem-dashboard')).map(({ file }) => `${file} holds the dashboard's code`);
}
