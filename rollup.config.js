// Builds dist/tandem.js, the one file a course page loads with a script tag.
// Element code that only some pages need can be split into lazy chunks beside it.
// A second build writes dist/tandem-dashboard.js, the instructor's script: one file of its own.
import { resolve } from 'node:path';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

/**
 * Drops the indentation after each line break in element sources, which
 * otherwise survives minification inside html`` and css`` templates. A line
 * break stays, so whitespace keeps its meaning in HTML and CSS and line
 * comments still end where they did.
 */
const templateIndentation = (files = /[/\\]src[/\\]elements[/\\][^/\\]+\.ts$/) => ({
  name: 'template-indentation',
  transform(code, id) {
    if (!files.test(id)) return null;
    return { code: code.replace(/\n[ \t]+/g, '\n'), map: null };
  },
});

/** Every module `id` imports statically, transitively, itself included. */
function reach(id, getModuleInfo, seen = new Set()) {
  if (!seen.has(id)) {
    seen.add(id);
    for (const next of getModuleInfo(id)?.importedIds ?? []) reach(next, getModuleInfo, seen);
  }
  return seen;
}

let chunkOf;
/**
 * Three chunks of code, each whole. Part 2's chunk uses modules of the runtime
 * chunk too (zod, the protocol's codes); left to itself, rollup would move
 * those shared modules into a chunk of their own, which every part-1 page
 * would then fetch as a second file and gzip apart (about 1.8 KB more). So
 * what the entry imports stays in `tandem.js`, what the runtime imports (and
 * the entry does not) in the runtime chunk, what part 2's elements import (and
 * neither of those does) in the `part2` chunk, which imports from both. The
 * message catalogues stay chunks of their own, one per language and part.
 */
function manualChunks(id, { getModuleInfo }) {
  if (!chunkOf) {
    chunkOf = new Map();
    // Later assignments win: part 2's chunk gets what neither the entry nor the runtime has.
    for (const [entry, chunk] of [
      ['src/elements/part2.ts', 'part2'],
      ['src/elements/runtime.ts', 'runtime'],
      ['src/index.ts', 'tandem'],
    ]) {
      for (const m of reach(resolve(entry), getModuleInfo)) chunkOf.set(m, chunk);
    }
  }
  return chunkOf.get(id);
}

function onwarn(warning, warn) {
  // zod's core modules import each other; harmless, and not ours to change.
  if (warning.code === 'CIRCULAR_DEPENDENCY' && warning.ids?.every((id) => id.includes('node_modules'))) return;
  warn(warning);
}

/** The plugins of both builds (new instances for each), `files` naming the element sources whose indentation goes. */
const plugins = (files) => [
  // 'production' keeps Lit's dev build (warnings, checks) out, whatever a dependency's default export is.
  nodeResolve({ browser: true, exportConditions: ['production'] }),
  templateIndentation(files),
  esbuild({ target: 'es2022', tsconfig: 'tsconfig.json' }),
  terser({
    ecma: 2022,
    module: true,
    // `unsafe` turns String(x) into x + "", new RegExp(…) into RegExp(…) and the like: the same for the values this
    // code handles (strings, numbers, errors; never symbols). `keep_fargs: false` drops unused trailing parameters:
    // nothing here (Lit, zod, idb-keyval, ours) reads a function's length. About 70 bytes less on every page.
    compress: { passes: 3, unsafe_arrows: true, pure_getters: true, unsafe: true, keep_fargs: false },
    format: { comments: false },
  }),
];

const learner = {
  input: { tandem: 'src/index.ts' },
  onwarn,
  output: {
    dir: 'dist',
    format: 'es',
    entryFileNames: '[name].js',
    // Six characters of content hash (36 bits) tell a few chunks' versions apart as well as eight, and every page
    // names them.
    chunkFileNames: 'chunks/[name]-[hash:6].js',
    manualChunks,
    // Maps are written beside the files but not linked from them: the comment would cost every page a few bytes.
    sourcemap: 'hidden',
    generatedCode: 'es2015',
  },
  plugins: plugins(),
};

/**
 * The instructor's dashboard, `dist/tandem-dashboard.js`: a build of its own, so
 * that it shares no chunk with the learner pages (their files stay byte for
 * byte what they were) and an instructor's page loads one file. It carries its
 * own copy of Lit and zod; the two scripts on one page would work, each with
 * its own. Its element sources include src/elements/dashboard/.
 */
const dashboard = {
  input: { 'tandem-dashboard': 'src/dashboard.ts' },
  onwarn,
  output: {
    dir: 'dist',
    format: 'es',
    entryFileNames: '[name].js',
    // One file, whatever the sources import lazily.
    inlineDynamicImports: true,
    sourcemap: 'hidden',
    generatedCode: 'es2015',
  },
  plugins: plugins(/[/\\]src[/\\]elements[/\\](dashboard[/\\])?[^/\\]+\.ts$/),
};

export default [learner, dashboard];
