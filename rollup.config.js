// Builds dist/tandem.js, the one file a course page loads with a script tag.
// Element code that only some pages need can be split into lazy chunks beside it.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

/**
 * Drops the indentation after each line break in element sources, which
 * otherwise survives minification inside html`` and css`` templates. A line
 * break stays, so whitespace keeps its meaning in HTML and CSS and line
 * comments still end where they did.
 */
const templateIndentation = {
  name: 'template-indentation',
  transform(code, id) {
    if (!/[/\\]src[/\\]elements[/\\][^/\\]+\.ts$/.test(id)) return null;
    return { code: code.replace(/\n[ \t]+/g, '\n'), map: null };
  },
};

export default {
  input: { tandem: 'src/index.ts' },
  onwarn(warning, warn) {
    // zod's core modules import each other; harmless, and not ours to change.
    if (warning.code === 'CIRCULAR_DEPENDENCY' && warning.ids?.every((id) => id.includes('node_modules'))) return;
    warn(warning);
  },
  output: {
    dir: 'dist',
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    // Maps are written beside the files but not linked from them: the comment would cost every page a few bytes.
    sourcemap: 'hidden',
    generatedCode: 'es2015',
  },
  plugins: [
    // 'production' keeps Lit's dev build (warnings, checks) out, whatever a dependency's default export is.
    nodeResolve({ browser: true, exportConditions: ['production'] }),
    templateIndentation,
    esbuild({ target: 'es2022', tsconfig: 'tsconfig.json' }),
    terser({
      ecma: 2022,
      module: true,
      compress: { passes: 3, unsafe_arrows: true, pure_getters: true },
      format: { comments: false },
    }),
  ],
};
