/**
 * `npm run bench`: one JSON line per figure, {"name","value","unit","target"?,"pass"?}.
 * Runs after `rollup -c`, against a real endpoint (in-process, SQLite in a
 * temp folder) and Debian's Chromium. Baselines are measured in the same run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, extname } from 'node:path';
import { randomUUID } from 'node:crypto';
import { rollup } from 'rollup';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import rollupConfig from '../rollup.config.js';
import { createServer, type FallbackHandler } from '../src/server/app.js';
import { signToken } from '../src/server/auth.js';
import { SQLITE_FILE_NAME } from '../src/server/store/sqlite-store.js';
import { measureDashboard, measurePages, ALL_ELEMENTS_BUDGET_BYTES, BUDGET_BYTES, DASHBOARD_BUDGET_BYTES } from '../scripts/bundle-size.js';
import { launchChromium } from '../test/helpers/chromium.js';
import { measureRanking } from './ranking.js';
import { measurePool } from './pool.js';
import { measureStats } from './stats.js';
import { benchServerConfig } from './bench-config.js';
import { ingestLines, measureIngest } from './ingest.js';

const ROOT = resolve(import.meta.dirname, '..');
const COURSE = 'bench-course';
const SECRET = 'bench-secret-0123456789abcdefghijklmnop';
const ISSUER = 'tandem-bench';
const AUDIENCE = 'tandem';
const RENDER_RUNS = Number(process.env.BENCH_RENDER_RUNS ?? 21);
const OUTBOX_EVENTS = Number(process.env.BENCH_OUTBOX_EVENTS ?? 1000);

interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: number;
  pass?: boolean;
}
const print = (figure: Figure) => console.log(JSON.stringify(figure));
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Builds a benchmark page script with the project's own rollup plugins, so both sides are built alike. */
async function buildWithProjectConfig(input: string, dir: string): Promise<void> {
  const bundle = await rollup({ input, plugins: rollupConfig[0]!.plugins, onwarn: () => undefined });
  await bundle.write({ dir, format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' });
  await bundle.close();
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html; charset=utf-8', '.map': 'application/json' };

function pages(benchDir: string, origin: () => string, token: string): FallbackHandler {
  const html = (body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body>${body}</body></html>`;
  const config = () => `<tandem-config endpoint="${origin()}" course="${COURSE}"></tandem-config>`;
  const routes: Record<string, () => string> = {
    '/bench/tandem': () => html(`${config()}<tandem-invite></tandem-invite>`),
    '/bench/bare': () => html('<bench-bare></bench-bare>'),
    '/bench/ready': () =>
      html(`<tandem-config endpoint="${origin()}" course="${COURSE}" token="${token}"></tandem-config><tandem-groups></tandem-groups>`),
    '/bench/blank': () => html(''),
  };
  return async (_req, res, url) => {
    const route = routes[url.pathname];
    let body: string | Buffer | undefined = route?.();
    let type = TYPES['.html']!;
    if (!body && (url.pathname.startsWith('/dist/') || url.pathname.startsWith('/bench-build/'))) {
      const base = url.pathname.startsWith('/dist/') ? join(ROOT, 'dist') : benchDir;
      const file = resolve(base, '.' + url.pathname.replace(/^\/(dist|bench-build)/, ''));
      if (!file.startsWith(base)) return false;
      try {
        body = readFileSync(file);
        type = TYPES[extname(file)] ?? 'application/octet-stream';
      } catch {
        return false;
      }
    }
    if (body === undefined) return false;
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
    return true;
  };
}

/** Milliseconds from inserting the module script to the element's first updateComplete, in a fresh context. */
async function firstRender(browser: Browser, url: string, script: string, tag: string, until: 'update' | 'members'): Promise<number> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url);
    return await page.evaluate(
      async ({ script, tag, until }) => {
        const start = performance.now();
        const s = document.createElement('script');
        s.type = 'module';
        s.src = script;
        document.head.append(s);
        await customElements.whenDefined(tag);
        const el = document.querySelector(tag) as HTMLElement & { updateComplete: Promise<unknown> };
        await el.updateComplete;
        if (until === 'members') {
          // Stored state shown: a member of the learner's group is on screen.
          while (!el.shadowRoot?.querySelector('[part~="member"]')) {
            await new Promise((r) => requestAnimationFrame(r));
          }
        }
        return performance.now() - start;
      },
      { script, tag, until },
    );
  } finally {
    await context.close();
  }
}

async function main(): Promise<void> {
  const measured = measurePages();
  const bundle = measured.part1;
  print({ name: 'bundle.gzip_bytes', value: bundle.total, unit: 'bytes', target: BUDGET_BYTES, pass: bundle.total <= BUDGET_BYTES });
  print({
    name: 'bundle.all_learner_gzip_bytes',
    value: measured.all.total,
    unit: 'bytes',
    target: ALL_ELEMENTS_BUDGET_BYTES,
    pass: measured.all.total <= ALL_ELEMENTS_BUDGET_BYTES,
  });
  const dashboard = measureDashboard().total;
  print({ name: 'bundle.dashboard_gzip_bytes', value: dashboard, unit: 'bytes', target: DASHBOARD_BUDGET_BYTES, pass: dashboard <= DASHBOARD_BUDGET_BYTES });

  const ranking = measureRanking();
  print({ name: 'rank.10k_ms', value: round(ranking.rankMs), unit: 'ms', target: round(3 * ranking.sortFloorMs), pass: ranking.rankMs <= 3 * ranking.sortFloorMs });
  print({ name: 'rank.10k_sort_floor_ms', value: round(ranking.sortFloorMs), unit: 'ms' });

  const pool = measurePool();
  print({ name: 'pool.100k_ms', value: round(pool.ms100k), unit: 'ms', target: 5000, pass: pool.ms100k <= 5000 });
  print({ name: 'pool.100k_peak_mb', value: round(pool.peakMb100k), unit: 'MB', target: 500, pass: pool.peakMb100k <= 500 });
  print({ name: 'pool.quality_vs_optimum', value: round(pool.qualityMean, 4), unit: 'ratio', target: 0.95, pass: pool.qualityMean >= 0.95 });
  print({ name: 'pool.quality_min', value: round(pool.qualityMin, 4), unit: 'ratio', target: 0.85, pass: pool.qualityMin >= 0.85 });
  print({ name: 'pool.quality_instances', value: pool.qualityInstances, unit: 'instances' });
  print({ name: 'pool.quality_skipped', value: pool.qualitySkipped, unit: 'seeds' });
  print({ name: 'pool.quality_2k', value: round(pool.quality2k, 4), unit: 'ratio', target: 0.95, pass: pool.quality2k >= 0.95 });
  print({ name: 'pool.vs_random_ratio', value: round(pool.vsRandom, 3), unit: 'ratio' });

  const stats = await measureStats();
  print({ name: 'stats.1m_events_ms', value: round(stats.answerMs), unit: 'ms', target: 200, pass: stats.answerMs <= 200 });
  print({ name: 'stats.1m_count_floor_ms', value: round(stats.countFloorMs), unit: 'ms' });
  print({ name: 'stats.1m_rebuild_ms', value: round(stats.rebuildMs, 0), unit: 'ms' });
  print({ name: 'stats.events_stored', value: stats.events, unit: 'events' });

  // Ingest on the embedded store and on PostgreSQL, each against its insert floor (PostgreSQL: TANDEM_BENCH_DATABASE_URL,
  // else a private throwaway cluster; without server binaries its lines say why they were skipped).
  for (const line of ingestLines(await measureIngest())) console.log(JSON.stringify(line));

  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-'));
  const benchDir = join(dataDir, 'build');
  await buildWithProjectConfig(join(ROOT, 'bench/bare-element.ts'), benchDir);
  await buildWithProjectConfig(join(ROOT, 'bench/outbox-page.ts'), benchDir);

  const nowS = Math.floor(Date.now() / 1000);
  const tokenFor = (sub: string, name: string) =>
    signToken({ sub, name, course: COURSE, role: 'learner', iss: ISSUER, aud: AUDIENCE, iat: nowS, exp: nowS + 3600 }, SECRET);
  let origin = '';
  const app = createServer({
    config: benchServerConfig(dataDir, { secret: SECRET, issuer: ISSUER, audience: AUDIENCE }),
    fallback: pages(benchDir, () => origin, tokenFor('bench-ana', 'Ana Bench')),
  });
  origin = await app.listen(0, '127.0.0.1');
  const browser = await launchChromium();
  try {
    // Interleaved runs, so drift on a shared machine hits both sides alike.
    const tandem: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < RENDER_RUNS; i++) {
      tandem.push(await firstRender(browser, `${origin}/bench/tandem`, '/dist/tandem.js', 'tandem-invite', 'update'));
      bare.push(await firstRender(browser, `${origin}/bench/bare`, '/bench-build/bare-element.js', 'bench-bare', 'update'));
    }
    const bareMs = median(bare);
    const firstMs = median(tandem);
    print({ name: 'render.first_ms', value: round(firstMs), unit: 'ms', target: round(1.5 * bareMs), pass: firstMs <= 1.5 * bareMs });
    print({ name: 'render.bare_lit_ms', value: round(bareMs), unit: 'ms' });

    // A learner with a group: render.ready_ms is until that group is on screen.
    await seedGroup(origin, tokenFor);
    const ready: number[] = [];
    for (let i = 0; i < RENDER_RUNS; i++) {
      ready.push(await firstRender(browser, `${origin}/bench/ready`, '/dist/tandem.js', 'tandem-groups', 'members'));
    }
    print({ name: 'render.ready_ms', value: round(median(ready)), unit: 'ms' });

    print({ name: 'outbox.events_per_s', value: round(await outboxRate(browser, origin, tokenFor, dataDir), 0), unit: 'events/s' });
  } finally {
    await browser.close();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function command(origin: string, token: string, command: Record<string, unknown>): Promise<any> {
  const response = await fetch(`${origin}/v1/commands`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: randomUUID(), course: COURSE, command }),
  });
  if (!response.ok) throw new Error(`bench seed: ${response.status} ${await response.text()}`);
  return response.json();
}

async function seedGroup(origin: string, tokenFor: (sub: string, name: string) => string): Promise<void> {
  const created = await command(origin, tokenFor('bench-ana', 'Ana Bench'), {
    type: 'invite.create',
    relationship: 'colleague',
    objects: ['mutual-help'],
    modalities: ['synchronous'],
  });
  await command(origin, tokenFor('bench-ben', 'Ben Bench'), { type: 'invite.accept', code: created.result.code });
}

/** Events per second from the first enqueue until the endpoint has stored them all. */
async function outboxRate(browser: Browser, origin: string, tokenFor: (sub: string, name: string) => string, dataDir: string): Promise<number> {
  const db = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true, fileMustExist: true });
  const count = db.prepare("SELECT count(*) AS n FROM events WHERE type = 'invite.link-shared'");
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${origin}/bench/blank`);
    await page.addScriptTag({ url: '/bench-build/outbox-page.js', type: 'module' });
    await page.waitForFunction(() => typeof window.benchOutboxOpen === 'function');
    await page.evaluate(
      (config) => window.benchOutboxOpen(config),
      { endpoint: origin, course: COURSE, token: tokenFor('bench-cleo', 'Cléo Bench') },
    );
    const start = performance.now();
    await page.evaluate((n) => window.benchOutboxTrack(n), OUTBOX_EVENTS);
    const deadline = start + 120_000;
    while ((count.get() as { n: number }).n < OUTBOX_EVENTS) {
      if (performance.now() > deadline) throw new Error('outbox benchmark: events not all stored within 120 s');
      await new Promise((r) => setTimeout(r, 5));
    }
    return OUTBOX_EVENTS / ((performance.now() - start) / 1000);
  } finally {
    await context.close();
    db.close();
  }
}

await main();
