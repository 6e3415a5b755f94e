/**
 * The demo's server side: a course page, sign-in as a roster learner through
 * a cookie, and the platform's "token-url" that signs that learner's token.
 * A real platform replaces all of this with its own session and a small
 * token route (see the README's Open edX and Moodle how-tos).
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FallbackHandler } from '../src/server/app.js';
import { signToken } from '../src/server/auth.js';
import type { ServerConfig } from '../src/server/config.js';
import type { CourseSettings } from '../src/protocol/api.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const DEMO_COURSE: { id: string; title: string; settings: CourseSettings } = {
  id: 'demo-mooc-101',
  title: 'Climate Science Basics',
  settings: {
    groupSize: 3,
    objects: ['collective-activities', 'individual-activities', 'watch-videos', 'discuss', 'mutual-help', 'encouragement'],
    modalities: ['in-person-pair', 'in-person-group', 'social-network', 'synchronous', 'email', 'shared-documents'],
    inviteLifetimeDays: 14,
  },
};

/** Demo learners: the key is the `?as=` name and the token's pseudonymous `sub` is derived from it. */
export const DEMO_ROSTER: Readonly<Record<string, string>> = {
  alice: 'Alice Martin',
  bob: 'Bob Lefèvre',
  chloe: 'Chloé Dubois',
  david: 'David Okafor',
  emma: 'Emma Schmidt',
  farid: 'Farid Benali',
};

export const DEMO_TOKEN_LIFETIME_SECONDS = 15 * 60;
const AS_COOKIE = 'tandem_demo_as';

/** The page's CSP: no inline script, no eval; styles inline only because the page's own CSS may use them. */
export const DEMO_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:";

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
};

function cookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

function signedInAs(req: IncomingMessage): string | null {
  const as = cookies(req).get(AS_COOKIE);
  return as !== undefined && Object.hasOwn(DEMO_ROSTER, as) ? as : null;
}

function signInCookie(name: string): string {
  return `${AS_COOKIE}=${name}; Path=/; HttpOnly; SameSite=Lax`;
}

function redirect(res: ServerResponse, location: string, setCookies: string[] = []): void {
  // 303 so the browser follows with GET; it keeps the page's #fragment (the invite code) across it.
  res.writeHead(303, { Location: location, 'Cache-Control': 'no-store', ...(setCookies.length ? { 'Set-Cookie': setCookies } : {}) });
  res.end();
}

function sendText(res: ServerResponse, status: number, text: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

const SAME_SITE = 'http://same-site.invalid';

/**
 * A same-site path to go back to, never another site (no open redirect).
 * Checking the raw text is not enough: browsers drop tabs and newlines from a
 * URL and read "\\" as "/", so "/\t/evil.example" leads to //evil.example. The
 * target is therefore resolved with the browsers' own URL parser, and only
 * its path, query and fragment are kept, unless that path itself starts
 * with "//" ("/.//evil.example" resolves to the path "//evil.example").
 */
function safeReturn(url: URL): string {
  const target = url.searchParams.get('return');
  if (!target) return '/';
  let resolved: URL;
  try {
    resolved = new URL(target, `${SAME_SITE}/`);
  } catch {
    return '/';
  }
  if (resolved.origin !== SAME_SITE || resolved.pathname.startsWith('//')) return '/';
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The platform's sign-in page, demo style: pick who you are. `back` is where to return. */
function signInPage(back: string): string {
  const links = Object.entries(DEMO_ROSTER)
    .map(([key, name]) => `<li><a href="/?as=${key}&amp;return=${encodeURIComponent(back)}">${escapeHtml(name)}</a></li>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><link rel="stylesheet" href="/demo/demo.css"><title>Sign in · ${escapeHtml(DEMO_COURSE.title)}</title></head><body><main class="sign-in"><h1>Sign in or enroll</h1><p>${escapeHtml(DEMO_COURSE.title)} is a demo course. Pick a demo learner to continue as:</p><ul>${links}</ul><p><a href="/demo/signout">Sign out</a></p></main></body></html>`;
}

const PLACEHOLDER_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${DEMO_COURSE.title}</title><script type="module" src="/dist/tandem.js"></script></head><body><main><h1>${DEMO_COURSE.title}</h1><tandem-config endpoint="/" course="${DEMO_COURSE.id}" token-url="/demo/token" enroll-url="/demo/enroll"></tandem-config><tandem-join></tandem-join><tandem-invite></tandem-invite><tandem-groups></tandem-groups></main></body></html>`;

/** Reads a file under `root/folder`, refusing any path that escapes it. */
async function serveFile(res: ServerResponse, root: string, folder: string, encoded: string, headers: Record<string, string> = {}): Promise<boolean> {
  let relative: string;
  try {
    relative = decodeURIComponent(encoded);
  } catch {
    return false;
  }
  const base = resolve(root, folder);
  const file = resolve(base, '.' + sep + relative);
  if (!file.startsWith(base + sep)) return false;
  const type = CONTENT_TYPES[extname(file).toLowerCase()];
  if (!type) return false;
  let content: Buffer;
  try {
    content = await readFile(file);
  } catch {
    return false;
  }
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': String(content.length), 'Cache-Control': 'no-cache', ...headers });
  res.end(content);
  return true;
}

/**
 * The demo's routes:
 * - `GET /` the course page (demo/index.html) under a strict CSP;
 *   `GET /?as=alice[&return=/path]` signs in as alice (HttpOnly cookie) and
 *   redirects to `/` (or the same-site path given);
 * - `GET /demo/token` the signed-in learner's token as text/plain, or 204 (no
 *   body) when nobody is signed in — the widget reads that as "signed out";
 * - `GET /demo/enroll[?return=/path]` the platform's sign-in page: the roster,
 *   each learner a link that signs in and goes back;
 * - `GET /demo/signout`;
 * - `GET /dist/*` the built widget, `GET /demo/*.css|js|…` the demo's static files.
 */
export function createDemoRoutes(options: { config: ServerConfig; now?: () => Date; rootDir?: string }): FallbackHandler {
  const now = options.now ?? (() => new Date());
  /** The folder holding demo/ and dist/ (the repository; tests point it elsewhere). */
  const root = options.rootDir ?? ROOT;
  const { config } = options;

  return async (req, res, url) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = url.pathname;

    if (path === '/' || path === '/index.html') {
      const as = url.searchParams.get('as');
      if (as !== null) {
        if (!Object.hasOwn(DEMO_ROSTER, as)) {
          sendText(res, 404, signInPage('/'), 'text/html; charset=utf-8');
          return true;
        }
        redirect(res, safeReturn(url), [signInCookie(as)]);
        return true;
      }
      const headers = { 'Content-Security-Policy': DEMO_CSP, 'Cache-Control': 'no-cache' };
      if (await serveFile(res, root, 'demo', 'index.html', headers)) return true;
      // Before the demo page exists: a bare page with the three elements.
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...headers });
      res.end(PLACEHOLDER_PAGE);
      return true;
    }

    if (path === '/demo/token') {
      const as = signedInAs(req);
      if (!as) {
        res.writeHead(204, { 'Cache-Control': 'no-store' });
        res.end();
        return true;
      }
      const issuedAt = Math.floor(now().getTime() / 1000);
      const token = signToken(
        {
          sub: `demo-${as}`,
          name: DEMO_ROSTER[as],
          course: DEMO_COURSE.id,
          role: 'learner',
          iss: config.jwtIssuer,
          aud: config.jwtAudience,
          iat: issuedAt,
          exp: issuedAt + DEMO_TOKEN_LIFETIME_SECONDS,
        },
        config.jwtSecret,
      );
      sendText(res, 200, token);
      return true;
    }

    if (path === '/demo/enroll') {
      sendText(res, 200, signInPage(safeReturn(url)), 'text/html; charset=utf-8');
      return true;
    }

    if (path === '/demo/signout') {
      redirect(res, '/', [`${AS_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`]);
      return true;
    }

    if (path.startsWith('/dist/')) return serveFile(res, root, 'dist', path.slice('/dist/'.length));
    // Under the page's CSP too: "/demo//index.html" reaches the course page by another path.
    if (path.startsWith('/demo/') && path !== '/demo/index.html') {
      return serveFile(res, root, 'demo', path.slice('/demo/'.length), { 'Content-Security-Policy': DEMO_CSP });
    }
    return false;
  };
}
