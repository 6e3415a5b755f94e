/**
 * The demo's server side: a course page, sign-in as a roster learner through
 * a cookie, the platform's "token-url" that signs that learner's token, an
 * example webhook receiver (the platform's side of notifications), and an
 * instructor page with the dashboard, signed in as a demo instructor.
 * A real platform replaces all of this with its own session, a small token
 * route (see the README's Open edX and Moodle how-tos) and its own receiver.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FallbackHandler } from '../src/server/app.js';
import { signToken } from '../src/server/auth.js';
import type { ServerConfig } from '../src/server/config.js';
import type { CourseSettings } from '../src/protocol/api.js';
import { WebhookNotification } from '../src/protocol/webhooks.js';
import { verifyWebhook, WEBHOOK_HEADERS } from '../src/server/webhooks/webhook-signature.js';

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

/**
 * The demo course's instructor, whom `/instructor` is signed in as: anyone
 * who opens that page gets her token (it is a demo). A platform signs its
 * instructors' tokens only for its signed-in course staff.
 */
export const DEMO_INSTRUCTOR = { sub: 'demo-instructor', name: 'Dr. Inès Moreau', role: 'instructor' } as const;

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

// ---------------------------------------------------------------------------
// The example webhook receiver: what a platform writes to get notifications.
// ---------------------------------------------------------------------------

/**
 * DEMO WIRING ONLY: when the demo runs and TANDEM_WEBHOOK_URL is unset, main.ts
 * points the webhook at this server's own /demo/webhook, signed with this
 * secret (or TANDEM_WEBHOOK_SECRET when set). Never use a published secret for
 * a real webhook.
 */
export const DEMO_WEBHOOK_SECRET = 'tandem-demo-webhook-secret-never-use-in-production';

/** What the demo receiver keeps of a notification, to show it. */
export interface ReceivedNotification {
  id: string;
  type: string;
  course: string;
  /** Whom to notify (null for staff notifications such as a report). */
  learner: string | null;
  /** One line for people, as an email subject might read. */
  summary: string;
  /** When the endpoint made it, and when it reached this receiver. */
  time: string;
  receivedAt: string;
}

/** How many notifications the demo keeps (newest), and dedupes against. */
export const DEMO_NOTIFICATIONS_KEPT = 50;

/** A demo learner's display name from their pseudonymous id (`demo-alice`), else the id itself. */
function learnerLabel(id: string): string {
  const key = id.startsWith('demo-') ? id.slice('demo-'.length) : '';
  return Object.hasOwn(DEMO_ROSTER, key) ? DEMO_ROSTER[key]! : id;
}

function summarise(n: WebhookNotification): string {
  switch (n.type) {
    case 'request.received':
      return `${n.data.from.name} asked ${learnerLabel(n.learner)} to study together.`;
    case 'request.accepted':
      return `${n.data.by.name} accepted the study request of ${learnerLabel(n.learner)}.`;
    case 'invite.accepted':
      return `${n.data.by.name} accepted the invite of ${learnerLabel(n.learner)}.`;
    case 'pool.matched':
      return `${learnerLabel(n.learner)} was matched with ${n.data.members.filter((m) => m.id !== n.learner).map((m) => m.name).join(', ') || 'a group'}.`;
    case 'report.created':
      // For staff; the reporter's free-text details stay out of this page.
      return `${learnerLabel(n.data.reporter)} reported ${learnerLabel(n.data.peer)} (${n.data.reason}).`;
  }
}

/**
 * Reads the raw body, at most `maxBytes`: the signature covers these exact
 * bytes, so verify them before any JSON parsing. Null when too large.
 */
function readRawBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData);
        chunks.length = 0;
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(size > maxBytes ? null : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The example receiver, as a platform would write it:
 *
 * 1. **verify** the signature over the raw body and the timestamp (401 if not
 *    ours, or older than 5 minutes: a replay);
 * 2. **dedupe** by the notification's id (the body's, which is signed; the
 *    Tandem-Webhook-Id header must agree): a retry of one already handled is
 *    answered 2xx again and not acted on twice;
 * 3. **act**: here, keep it to show on /demo/notifications; a platform would
 *    queue an email or an in-app notice — in a job, not in this request;
 * 4. **answer 2xx fast**: the endpoint retries anything else, and gives up
 *    after a timeout of 10 s.
 *
 * A real receiver keeps handled ids in its database (a unique key) rather
 * than the last 50 in memory.
 */
export function createDemoWebhookReceiver(options: { secret: string; now: () => Date; maxBodyBytes: number }) {
  /** Newest last; the map's keys are the ids handled (the dedupe set). */
  const received = new Map<string, ReceivedNotification>();

  async function receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readRawBody(req, options.maxBodyBytes);
    if (raw === null) {
      res.setHeader('Connection', 'close');
      sendText(res, 413, 'The notification is larger than this receiver takes.');
      return;
    }
    // 1. Verify, on the exact bytes received.
    const signed = verifyWebhook({
      secret: options.secret,
      signature: header(req, WEBHOOK_HEADERS.signature),
      timestamp: header(req, WEBHOOK_HEADERS.timestamp),
      body: raw,
      now: options.now(),
    });
    if (!signed) {
      sendText(res, 401, 'Missing, wrong or expired signature.');
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      sendText(res, 400, 'The notification is not JSON.');
      return;
    }
    const id = typeof json === 'object' && json !== null ? (json as { id?: unknown }).id : undefined;
    if (typeof id !== 'string' || id !== header(req, WEBHOOK_HEADERS.id)) {
      sendText(res, 400, 'The notification id and the Tandem-Webhook-Id header differ.');
      return;
    }
    // 2. Dedupe: a retry of a notification already handled is acknowledged again, not acted on.
    if (received.has(id)) {
      res.writeHead(204, { 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    // 3. Act. A type this receiver does not know (a newer endpoint) is acknowledged too, or it would be retried for nothing.
    const parsed = WebhookNotification.safeParse(json);
    const n = parsed.success ? parsed.data : null;
    const loose = json as { type?: unknown; course?: unknown; time?: unknown };
    received.set(id, {
      id,
      type: n?.type ?? String(loose.type ?? 'unknown'),
      course: n?.course ?? String(loose.course ?? ''),
      learner: n && 'learner' in n ? n.learner : null,
      summary: n ? summarise(n) : 'A notification this receiver does not know; acknowledged and ignored.',
      time: n?.time ?? String(loose.time ?? ''),
      receivedAt: options.now().toISOString(),
    });
    while (received.size > DEMO_NOTIFICATIONS_KEPT) received.delete(received.keys().next().value!);
    // 4. Answer at once.
    res.writeHead(204, { 'Cache-Control': 'no-store' });
    res.end();
  }

  return {
    receive,
    /** The notifications kept, newest first. */
    list: (): ReceivedNotification[] => [...received.values()].reverse(),
  };
}

/** /demo/notifications: what the example receiver got, newest first. */
function notificationsPage(list: readonly ReceivedNotification[], wired: boolean): string {
  const items = list
    .map(
      (n) =>
        `<li><p><strong>${escapeHtml(n.type)}</strong>${n.learner ? ` · for ${escapeHtml(learnerLabel(n.learner))}` : ' · for the course staff'}</p><p>${escapeHtml(n.summary)}</p><p class="breadcrumb">${escapeHtml(n.course)} · made ${escapeHtml(n.time)} · received ${escapeHtml(n.receivedAt)} · id <code>${escapeHtml(n.id)}</code></p></li>`,
    )
    .join('');
  const body = !wired
    ? '<p>No webhook secret is configured for this demo, so its receiver is off.</p>'
    : list.length === 0
      ? '<p>Nothing yet. Send or accept a study request, or accept an invite, then reload this page.</p>'
      : `<ol reversed>${items}</ol>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><link rel="stylesheet" href="/demo/demo.css"><title>Notifications · ${escapeHtml(DEMO_COURSE.title)}</title></head><body><header class="platform"><a class="brand" href="/">OpenMOOC</a><nav aria-label="Account"><a href="/">Back to the course</a></nav></header><div class="layout"><main class="lesson"><p class="breadcrumb">Demo platform · webhook receiver</p><h1>Notifications received</h1>${body}</main><aside class="study-panel" aria-label="About this page"><p class="tip">The endpoint POSTs a signed notification to the platform's webhook when a learner is not on the page to see it: a request received or accepted, an invite accepted, a pool match, a report for staff. This demo's own receiver (<code>POST /demo/webhook</code>) verifies the signature, drops duplicates by id, keeps the last ${DEMO_NOTIFICATIONS_KEPT} here, and answers at once; a platform would email the learner instead.</p></aside></div></body></html>`;
}

/** The platform's sign-in page, demo style: pick who you are. `back` is where to return. */
function signInPage(back: string): string {
  const links = Object.entries(DEMO_ROSTER)
    .map(([key, name]) => `<li><a href="/?as=${key}&amp;return=${encodeURIComponent(back)}">${escapeHtml(name)}</a></li>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><link rel="stylesheet" href="/demo/demo.css"><title>Sign in · ${escapeHtml(DEMO_COURSE.title)}</title></head><body><main class="sign-in"><h1>Sign in or enroll</h1><p>${escapeHtml(DEMO_COURSE.title)} is a demo course. Pick a demo learner to continue as:</p><ul>${links}</ul><p><a href="/demo/signout">Sign out</a></p></main></body></html>`;
}

// ---------------------------------------------------------------------------
// The instructor page: the dashboard, signed in as the demo instructor.
// ---------------------------------------------------------------------------

export type DemoLang = 'en' | 'fr';

/** The page's language from `?lang=`: French for `fr` (and `fr-*`), else English. */
export function demoLang(url: URL): DemoLang {
  return /^fr(-|$)/i.test(url.searchParams.get('lang') ?? '') ? 'fr' : 'en';
}

type InstructorText =
  | 'title' | 'signedIn' | 'back' | 'other' | 'course' | 'dashboard' | 'breadcrumb' | 'heading' | 'demo' | 'aboutLabel'
  | 'whatTitle' | 'what' | 'privacyTitle' | 'privacy' | 'wiringTitle' | 'wiring' | 'emptyTitle' | 'empty';

const INSTRUCTOR_TEXTS: Record<DemoLang, Record<InstructorText, string>> = {
  en: {
    title: 'Instructor dashboard',
    signedIn: 'Signed in as {name}, demo instructor',
    back: 'Back to the course',
    other: 'Français',
    course: 'Course',
    dashboard: 'Instructor dashboard',
    breadcrumb: 'Demo platform · instructor view',
    heading: 'How your learners study together',
    demo:
      'This is a demo: you are signed in as {name}, an instructor of this course, without a password. Anyone who opens this page gets her token; a real platform shows the dashboard to the course’s staff only.',
    aboutLabel: 'About this page',
    whatTitle: 'What the dashboard shows',
    what:
      'How the course’s learners pair up: their groups by relationship, by what they do together and by how they interact (Table 1 of Cisel, 2017, filled in by the course), the groups’ sizes and life week by week, the way from an invite or a request to a group, and how learners in a group persist compared with those alone — a correlation, not proof.',
    privacyTitle: 'Counts only',
    privacy:
      'Never a name. Counts under the course’s threshold (5 unless the course sets another, at least 3) are withheld, with a few others so that none can be worked out by subtraction.',
    wiringTitle: 'On a platform',
    wiring:
      'Load {script} on a page only the course’s staff can open, with a {config} whose {tokenUrl} answers the signed-in instructor’s token ({role}, the course id), signed with the secret the platform shares with the endpoint. The platform reports learners’ progress server to server ({progress}, with its platform key).',
    emptyTitle: 'Empty?',
    empty: 'Run {seed}, then {start} again: it seeds a realistic run of this course, about 300 learners over 8 weeks.',
  },
  fr: {
    title: 'Tableau de bord de l’enseignant',
    signedIn: 'Connectée : {name}, enseignante de démonstration',
    back: 'Retour au cours',
    other: 'English',
    course: 'Cours',
    dashboard: 'Tableau de bord',
    breadcrumb: 'Plateforme de démonstration · vue enseignant',
    heading: 'Comment vos apprenants étudient ensemble',
    demo:
      'Ceci est une démonstration : vous êtes connecté·e sans mot de passe comme {name}, enseignante de ce cours. Quiconque ouvre cette page reçoit son jeton ; une vraie plateforme ne montre le tableau de bord qu’à l’équipe du cours.',
    aboutLabel: 'À propos de cette page',
    whatTitle: 'Ce que montre le tableau de bord',
    what:
      'Comment les apprenants du cours se regroupent : leurs groupes par relation, par ce qu’ils font ensemble et par la manière dont ils interagissent (le tableau 1 de Cisel, 2017, rempli par le cours), la taille et la vie des groupes semaine après semaine, le chemin d’une invitation ou d’une demande jusqu’au groupe, et la persévérance des apprenants en groupe comparée à celle des apprenants seuls — une corrélation, pas une preuve.',
    privacyTitle: 'Des effectifs seulement',
    privacy:
      'Jamais un nom. Les effectifs sous le seuil du cours (5 sauf réglage du cours, au moins 3) sont masqués, avec quelques autres pour qu’aucun ne puisse être retrouvé par soustraction.',
    wiringTitle: 'Sur une plateforme',
    wiring:
      'Chargez {script} sur une page que seule l’équipe du cours peut ouvrir, avec un {config} dont le {tokenUrl} renvoie le jeton de l’enseignant connecté ({role}, l’identifiant du cours), signé avec le secret que la plateforme partage avec le serveur. La plateforme transmet la progression des apprenants de serveur à serveur ({progress}, avec sa clé de plateforme).',
    emptyTitle: 'Vide ?',
    empty: 'Lancez {seed}, puis {start} à nouveau : cela remplit le cours d’un déroulement réaliste, environ 300 apprenants sur 8 semaines.',
  },
};

/** Fills `{name}` placeholders with HTML already escaped or built here. */
function fill(text: string, values: Record<string, string>): string {
  return escapeHtml(text).replace(/\{(\w+)\}/g, (all, key: string) => values[key] ?? all);
}

/**
 * /instructor: the dashboard element, configured like the learner elements
 * and signed in through `/demo/instructor-token`, beside a short explanation.
 * No inline script: the page runs under DEMO_CSP like the course page.
 */
export function instructorPage(lang: DemoLang): string {
  const t = INSTRUCTOR_TEXTS[lang];
  const other: DemoLang = lang === 'en' ? 'fr' : 'en';
  const name = escapeHtml(DEMO_INSTRUCTOR.name);
  const code = (s: string) => `<code>${escapeHtml(s)}</code>`;
  const course = escapeHtml(DEMO_COURSE.id);
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/demo/demo.css">
<style>
.instructor .layout { max-width: 90rem; grid-template-columns: minmax(0, 1fr) minmax(16rem, 20rem); }
.instructor .platform .who { color: #fff; padding: 0.5rem; }
.instructor .lesson { --tandem-font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; --tandem-accent: #0b5cad; --tandem-radius: 0.5rem; }
.instructor tandem-dashboard:not(:defined) { display: block; min-height: 40rem; }
.instructor .study-panel h2 { font-size: 1rem; margin: 0 0 0.25rem; }
.instructor .study-panel p { margin: 0; }
@media (max-width: 50rem) { .instructor .layout { grid-template-columns: minmax(0, 1fr); } }
</style>
<!-- The instructor's script of its own: learners' pages never load it. -->
<script type="module" src="/dist/tandem-dashboard.js"></script>
<title>${escapeHtml(t.title)} · ${escapeHtml(DEMO_COURSE.title)}</title>
</head>
<body class="instructor">
<header class="platform">
<a class="brand" href="/">OpenMOOC</a>
<nav aria-label="${lang === 'fr' ? 'Compte' : 'Account'}">
<span class="who">${fill(t.signedIn, { name })}</span>
<a href="/instructor?lang=${other}" hreflang="${other}" lang="${other}">${escapeHtml(t.other)}</a>
<a href="/">${escapeHtml(t.back)}</a>
</nav>
</header>
<div class="course-bar">
<p class="course-name">${escapeHtml(DEMO_COURSE.title)} <span>· ${course}</span></p>
<nav aria-label="${lang === 'fr' ? 'Cours' : 'Course'}">
<a href="/">${escapeHtml(t.course)}</a>
<a href="/instructor${lang === 'fr' ? '?lang=fr' : ''}" aria-current="page">${escapeHtml(t.dashboard)}</a>
</nav>
</div>
<tandem-config endpoint="/" course="${course}" course-title="${escapeHtml(DEMO_COURSE.title)}" token-url="/demo/instructor-token" lang="${lang}"></tandem-config>
<div class="layout">
<main class="lesson">
<p class="breadcrumb">${escapeHtml(t.breadcrumb)}</p>
<h1>${escapeHtml(t.heading)}</h1>
<p class="tip">${fill(t.demo, { name })}</p>
<tandem-dashboard></tandem-dashboard>
</main>
<aside class="study-panel" aria-label="${escapeHtml(t.aboutLabel)}">
<section><h2>${escapeHtml(t.whatTitle)}</h2><p>${fill(t.what, {})}</p></section>
<section><h2>${escapeHtml(t.privacyTitle)}</h2><p>${fill(t.privacy, {})}</p></section>
<section><h2>${escapeHtml(t.wiringTitle)}</h2><p>${fill(t.wiring, {
    script: code('tandem-dashboard.js'),
    config: code('<tandem-config>'),
    tokenUrl: code('token-url'),
    role: code('role: "instructor"'),
    progress: code('POST /v1/courses/{course}/progress'),
  })}</p></section>
<section><h2>${escapeHtml(t.emptyTitle)}</h2><p>${fill(t.empty, { seed: code('npm run demo:seed-course'), start: code('npm start') })}</p></section>
</aside>
</div>
</body>
</html>
`;
}

/** The demo instructor's token for the demo course, valid 15 minutes from `now` (as learners' are). */
export function demoInstructorToken(config: ServerConfig, now: Date): string {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return signToken(
    {
      sub: DEMO_INSTRUCTOR.sub,
      name: DEMO_INSTRUCTOR.name,
      course: DEMO_COURSE.id,
      role: DEMO_INSTRUCTOR.role,
      iss: config.jwtIssuer,
      aud: config.jwtAudience,
      iat: issuedAt,
      exp: issuedAt + DEMO_TOKEN_LIFETIME_SECONDS,
    },
    config.jwtSecret,
  );
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
 * - `POST /demo/webhook` the example webhook receiver (when a webhook secret is
 *   configured), `GET /demo/notifications` what it received;
 * - `GET /instructor[?lang=fr]` the instructor's page with `<tandem-dashboard>`,
 *   and `GET /demo/instructor-token` the demo instructor's 15-minute token
 *   (no sign-in: it is a demo, and the page says so);
 * - `GET /dist/*` the built widget, `GET /demo/*.css|js|…` the demo's static files.
 */
export function createDemoRoutes(options: { config: ServerConfig; now?: () => Date; rootDir?: string }): FallbackHandler {
  const now = options.now ?? (() => new Date());
  /** The folder holding demo/ and dist/ (the repository; tests point it elsewhere). */
  const root = options.rootDir ?? ROOT;
  const { config } = options;
  // The secret notifications are signed with (the demo's own, see DEMO_WEBHOOK_SECRET and main.ts).
  const receiver = config.webhook
    ? createDemoWebhookReceiver({ secret: config.webhook.secret, now, maxBodyBytes: config.maxBodyBytes })
    : null;

  return async (req, res, url) => {
    const path = url.pathname;
    if (path === '/demo/webhook' && req.method === 'POST' && receiver) {
      await receiver.receive(req, res);
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;

    if (path === '/demo/notifications') {
      const headers = { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': DEMO_CSP, 'Cache-Control': 'no-store' };
      res.writeHead(200, headers);
      res.end(notificationsPage(receiver?.list() ?? [], receiver !== null));
      return true;
    }

    if (path === '/instructor') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': DEMO_CSP, 'Cache-Control': 'no-cache' });
      res.end(instructorPage(demoLang(url)));
      return true;
    }

    if (path === '/demo/instructor-token') {
      sendText(res, 200, demoInstructorToken(config, now()));
      return true;
    }

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
