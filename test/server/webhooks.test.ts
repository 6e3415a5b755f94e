import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createDemoRoutes, DEMO_COURSE, DEMO_CSP, DEMO_WEBHOOK_SECRET } from '../../demo/demo-routes.js';
import { WebhookNotification } from '../../src/protocol/webhooks.js';
import { createServer, type ServerOptions, type TandemServer } from '../../src/server/app.js';
import type { WebhookConfig } from '../../src/server/config.js';
import type { Store } from '../../src/server/store/store.js';
import { startWebhookDispatcher } from '../../src/server/webhooks/dispatcher.js';
import { queueNotification, type NotificationInput } from '../../src/server/webhooks/notify.js';
import { signWebhook, verifyWebhook } from '../../src/server/webhooks/webhook-signature.js';
import { makeDataDir, openTestStore, queryDataFile, request, startChildServer, startTestServer, testConfig, TEST_COURSE, TestClock } from '../helpers/server.js';

const SECRET = 'webhook-secret-for-tests-0123456789abcdef';
const NAME = 'Bob <b>Lefèvre</b>';

/** A request.received notification for alice, from bob (whose display name holds markup). */
function requestReceived(learner = 'alice'): NotificationInput {
  return {
    type: 'request.received',
    learner,
    data: {
      request: randomUUID(),
      from: { id: 'bob', name: NAME },
      relationship: 'this-mooc',
      objects: ['discuss'],
      modalities: ['email'],
    },
  };
}

function webhookConfig(url: string, extra: Partial<WebhookConfig> = {}): WebhookConfig {
  return { url, secret: SECRET, maxAttempts: 5, retryBaseMs: 20, ...extra };
}

/** Queues a notification the way routes do: inside a store transaction. */
function queue(store: Store, webhook: WebhookConfig | null, now: Date, input: NotificationInput = requestReceived(), course = TEST_COURSE): Promise<void> {
  return store.transaction((tx) => queueNotification(tx, { webhook }, { course, now }, input));
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long `work` took, failing (instead of hanging) past `limitMs`. */
async function timed(what: string, work: Promise<unknown>, limitMs: number): Promise<number> {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} still running after ${limitMs} ms`)), limitMs);
  });
  try {
    await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
  return Date.now() - started;
}

/** Every test must finish (pass or fail) within a few seconds. */
const SUITE = { timeout: 20_000 };

function deliveries(dataDir: string): Promise<Array<Record<string, unknown>>> {
  return queryDataFile(dataDir, 'SELECT * FROM webhook_deliveries ORDER BY created_at, id');
}

// --- A platform's receiver: a real node:http server on 127.0.0.1:0 ----------------------------

interface Call {
  headers: IncomingHttpHeaders;
  body: string;
  /** Date.now() when the request ended. */
  at: number;
  path: string;
}

type Answer = { status: number; headers?: Record<string, string> } | 'hang';

interface Receiver {
  url: string;
  calls: Call[];
  /** Decides each answer from the call's 1-based number. */
  respond: (n: number, req: IncomingMessage) => Answer;
  close(): Promise<void>;
}

async function startReceiver(respond: Receiver['respond'] = () => ({ status: 200 })): Promise<Receiver> {
  const receiver: Receiver = { url: '', calls: [], respond, close: async () => {} };
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      receiver.calls.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), path: req.url ?? '' });
      const answer = receiver.respond(receiver.calls.length, req);
      if (answer === 'hang') return;
      res.writeHead(answer.status, answer.headers ?? {});
      // A body the dispatcher must neither need nor log.
      res.end(`receiver says ${answer.status}: ${NAME}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/tandem`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

// --- An endpoint with a webhook: createServer with short test knobs -------------------------

interface WebhookServer {
  app: TandemServer;
  url: string;
  logs: string[];
  close(): Promise<void>;
}

async function startServer(
  dataDir: string,
  webhook: WebhookConfig | null,
  options: { now?: () => Date; webhooks?: ServerOptions['webhooks']; fallback?: ServerOptions['fallback'] } = {},
): Promise<WebhookServer> {
  const logs: string[] = [];
  const app = createServer({
    config: testConfig(dataDir, { webhook }),
    now: options.now ?? (() => new Date()),
    log: (line) => logs.push(line),
    webhooks: { pollMs: 50, ...options.webhooks },
    ...(options.fallback ? { fallback: options.fallback } : {}),
  });
  const url = await app.listen(0, '127.0.0.1');
  return { app, url, logs, close: () => app.close() };
}

function assertLogsHoldNoBody(logs: readonly string[]): void {
  assert.ok(logs.length > 0, 'something was logged');
  for (const line of logs) {
    assert.doesNotMatch(line, /Bob|Lef|receiver says|"data"/, `a log line holds a body: ${line}`);
  }
}

describe('webhook signatures', SUITE, () => {
  const body = JSON.stringify({ id: randomUUID(), type: 'request.received', data: { from: { name: 'Chloé' } } });
  const nowMs = Date.parse('2025-03-03T09:00:00.000Z');
  const timestamp = Math.floor(nowMs / 1000);

  it('signs "timestamp.body" with HMAC-SHA256 as v1=<hex>, and verifies it', () => {
    const signature = signWebhook(SECRET, timestamp, body);
    assert.match(signature, /^v1=[0-9a-f]{64}$/);
    assert.equal(signWebhook(SECRET, String(timestamp), body), signature, 'the timestamp as text or number');
    assert.equal(signWebhook(SECRET, timestamp, Buffer.from(body)), signature, 'the body as text or bytes');
    assert.equal(verifyWebhook({ secret: SECRET, signature, timestamp: String(timestamp), body, now: nowMs }), true);
    assert.equal(verifyWebhook({ secret: SECRET, signature, timestamp, body: Buffer.from(body), now: new Date(nowMs) }), true);
  });

  it('refuses a changed body, timestamp or secret', () => {
    const signature = signWebhook(SECRET, timestamp, body);
    const base = { secret: SECRET, signature, timestamp: String(timestamp), body, now: nowMs };
    assert.equal(verifyWebhook({ ...base, body: body.replace('Chloé', 'Mallory') }), false, 'body');
    assert.equal(verifyWebhook({ ...base, body: `${body} ` }), false, 'one byte more');
    assert.equal(verifyWebhook({ ...base, timestamp: String(timestamp + 1) }), false, 'timestamp');
    assert.equal(verifyWebhook({ ...base, secret: `${SECRET}x` }), false, 'secret');
    assert.equal(verifyWebhook({ ...base, signature: signWebhook(`${SECRET}x`, timestamp, body) }), false, 'signed with another secret');
  });

  it('refuses a timestamp older (or further ahead) than the tolerance: a replay', () => {
    const signature = signWebhook(SECRET, timestamp, body);
    const base = { secret: SECRET, signature, timestamp: String(timestamp), body };
    assert.equal(verifyWebhook({ ...base, now: nowMs + 300_000 }), true, 'five minutes late is still fine');
    assert.equal(verifyWebhook({ ...base, now: nowMs + 301_000 }), false, 'stale');
    assert.equal(verifyWebhook({ ...base, now: nowMs - 301_000 }), false, 'from the future');
    assert.equal(verifyWebhook({ ...base, now: nowMs + 3_600_000, toleranceSeconds: 7200 }), true, 'a wider tolerance');
  });

  it('accepts any of several v1= values (secret rotation) and ignores other schemes', () => {
    const oldSecret = 'the-old-secret-for-tests-0123456789abcdef';
    const both = signWebhook([oldSecret, SECRET], timestamp, body);
    assert.match(both, /^v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    const base = { timestamp: String(timestamp), body, now: nowMs };
    assert.equal(verifyWebhook({ ...base, secret: SECRET, signature: both }), true, 'receiver on the new secret');
    assert.equal(verifyWebhook({ ...base, secret: oldSecret, signature: both }), true, 'receiver still on the old one');
    assert.equal(verifyWebhook({ ...base, secret: [oldSecret, SECRET], signature: signWebhook(SECRET, timestamp, body) }), true, 'receiver rotating');
    const single = signWebhook(SECRET, timestamp, body);
    assert.equal(verifyWebhook({ ...base, secret: SECRET, signature: `v0=abc, ${single} , v2=${'0'.repeat(64)}` }), true, 'spaces and unknown schemes');
  });

  it('answers false, never throws, on missing or malformed headers', () => {
    const signature = signWebhook(SECRET, timestamp, body);
    const base = { secret: SECRET, signature, timestamp: String(timestamp), body, now: nowMs };
    for (const bad of [undefined, null, '', 'v1=', 'v1=zz', signature.slice(0, -2), signature.replace('v1=', 'v2='), ['a', 'b']]) {
      assert.equal(verifyWebhook({ ...base, signature: bad as string }), false, JSON.stringify(bad));
    }
    for (const bad of [undefined, null, '', 'soon', '-1', '1e9', ` ${timestamp}`, [String(timestamp)]]) {
      assert.equal(verifyWebhook({ ...base, timestamp: bad as string }), false, JSON.stringify(bad));
    }
    assert.equal(verifyWebhook({ ...base, secret: '' }), false, 'an empty secret verifies nothing');
    assert.equal(verifyWebhook({ ...base, secret: [] }), false, 'no secret verifies nothing');
  });
});

describe('webhook delivery', SUITE, () => {
  it('POSTs a queued notification with the signed headers, the stored body byte for byte, and marks it delivered', async () => {
    const data = makeDataDir();
    const receiver = await startReceiver();
    const clock = new TestClock();
    const server = await startServer(data.dir, webhookConfig(receiver.url), { now: clock.now });
    try {
      await queue(server.app.store, webhookConfig(receiver.url), clock.now());
      // The commit kicked the dispatcher: no wait for a poll.
      await waitFor('the delivery', async () => receiver.calls.length === 1, 1000);
      const [call] = receiver.calls;
      const row = (await deliveries(data.dir))[0]!;
      assert.equal(call!.path, '/hooks/tandem');
      assert.equal(call!.headers['content-type'], 'application/json');
      assert.equal(call!.headers['user-agent'], 'Tandem-Webhooks/1');
      assert.equal(call!.headers['tandem-webhook-id'], row.id);
      assert.equal(call!.headers['tandem-webhook-timestamp'], String(Math.floor(clock.now().getTime() / 1000)));
      assert.equal(call!.body, row.body, 'the body exactly as stored');
      const notification = WebhookNotification.parse(JSON.parse(call!.body));
      assert.equal(notification.id, row.id);
      assert.equal(notification.type, 'request.received');
      assert.equal(notification.course, TEST_COURSE);
      assert.equal(
        verifyWebhook({
          secret: SECRET,
          signature: call!.headers['tandem-signature'] as string,
          timestamp: call!.headers['tandem-webhook-timestamp'] as string,
          body: call!.body,
          now: clock.now(),
        }),
        true,
        'the receiver verifies the signature',
      );

      await waitFor('the delivered mark', async () => (await deliveries(data.dir))[0]!.status === 'delivered');
      const done = (await deliveries(data.dir))[0]!;
      assert.equal(done.attempts, 1);
      assert.equal(done.finished_at, clock.now().toISOString());
      assert.equal(done.last_error, null);
      await sleep(150);
      assert.equal(receiver.calls.length, 1, 'sent once');
      assertLogsHoldNoBody(server.logs);
    } finally {
      await server.close();
      await receiver.close();
      data.remove();
    }
  });

  it('retries with backoff when the receiver answers 500, then delivers on 200; no redirect is followed', async () => {
    const data = makeDataDir();
    const receiver = await startReceiver((n) => (n <= 2 ? { status: 500 } : { status: 200 }));
    const elsewhere = await startReceiver();
    const webhook = webhookConfig(receiver.url, { retryBaseMs: 20 });
    // random 0.99: the first retry waits floor(0.99 × 20) = 19 ms, the second floor(0.99 × 40) = 39 ms.
    const server = await startServer(data.dir, webhook, { webhooks: { random: () => 0.99, pollMs: 1000 } });
    try {
      const started = Date.now();
      await queue(server.app.store, webhook, new Date());
      await waitFor('three attempts', async () => receiver.calls.length === 3, 2000);
      await waitFor('the delivered mark', async () => (await deliveries(data.dir))[0]!.status === 'delivered');
      const [first, second, third] = receiver.calls;
      assert.ok(second!.at - first!.at >= 18, `first retry after ${second!.at - first!.at} ms`);
      assert.ok(third!.at - second!.at >= 38, `second retry after ${third!.at - second!.at} ms`);
      // Woken for the retry, not left to the 1 s poll.
      assert.ok(third!.at - started < 900, `delivered within ${third!.at - started} ms`);
      assert.equal(new Set(receiver.calls.map((c) => c.headers['tandem-webhook-id'])).size, 1, 'one id across retries');
      assert.equal(new Set(receiver.calls.map((c) => c.body)).size, 1, 'the same body each time');
      const row = (await deliveries(data.dir))[0]!;
      assert.equal(row.attempts, 3);
      assert.equal(row.last_error, null);
      assert.ok(server.logs.some((l) => /attempt 1\/5 failed \(HTTP 500\), retry in 19 ms/.test(l)), server.logs.join('\n'));

      // A redirect counts as a failure and is not followed.
      receiver.respond = () => ({ status: 307, headers: { Location: elsewhere.url } });
      await queue(server.app.store, webhook, new Date());
      await waitFor('the redirect answer', async () => receiver.calls.length === 4);
      await waitFor('its failure recorded', async () => (await deliveries(data.dir)).some((d) => d.last_error === 'HTTP 307 (redirects are not followed)'));
      await sleep(100);
      assert.equal(elsewhere.calls.length, 0, 'the redirect is never followed');
      assertLogsHoldNoBody(server.logs);
    } finally {
      await server.close();
      await receiver.close();
      await elsewhere.close();
      data.remove();
    }
  });

  it('honours Retry-After on 503 and 429 (capped), and not on other statuses', async () => {
    const data = makeDataDir();
    const clock = new TestClock();
    const answers: Answer[] = [
      { status: 503, headers: { 'Retry-After': '120' } },
      { status: 200 },
      { status: 429, headers: { 'Retry-After': '86400' } },
      { status: 500, headers: { 'Retry-After': '120' } },
    ];
    const receiver = await startReceiver((n) => answers[n - 1] ?? { status: 200 });
    const webhook = webhookConfig(receiver.url, { retryBaseMs: 20 });
    const server = await startServer(data.dir, webhook, { now: clock.now, webhooks: { random: () => 0.5 } });
    try {
      const t0 = clock.now().getTime();
      await queue(server.app.store, webhook, clock.now());
      await waitFor('the first attempt recorded', async () => (await deliveries(data.dir))[0]!.attempts === 1);
      let row = (await deliveries(data.dir))[0]!;
      assert.equal(row.status, 'pending');
      assert.equal(row.last_error, 'HTTP 503');
      assert.equal(row.next_attempt_at, new Date(t0 + 120_000).toISOString(), 'retry when the receiver asked, not after 20 ms');

      clock.advance(119_000);
      await sleep(200); // several polls
      assert.equal(receiver.calls.length, 1, 'not before Retry-After');
      clock.advance(1_000);
      await waitFor('the retry', async () => receiver.calls.length === 2);
      await waitFor('the delivered mark', async () => (await deliveries(data.dir))[0]!.status === 'delivered');

      // 429 asking for a day: capped at one hour.
      await queue(server.app.store, webhook, clock.now(), requestReceived('chloe'));
      await waitFor('the 429 recorded', async () => (await deliveries(data.dir)).some((d) => d.last_error === 'HTTP 429'));
      row = (await deliveries(data.dir)).find((d) => d.last_error === 'HTTP 429')!;
      assert.equal(row.next_attempt_at, new Date(clock.now().getTime() + 3_600_000).toISOString(), 'capped at an hour');

      // Retry-After on a 500 is not a request to wait: backoff (random 0.5 × 20 ms = 10 ms).
      await queue(server.app.store, webhook, clock.now(), requestReceived('david'));
      await waitFor('the 500 recorded', async () => (await deliveries(data.dir)).some((d) => d.last_error === 'HTTP 500'));
      row = (await deliveries(data.dir)).find((d) => d.last_error === 'HTTP 500')!;
      assert.equal(row.next_attempt_at, new Date(clock.now().getTime() + 10).toISOString());
    } finally {
      await server.close();
      await receiver.close();
      data.remove();
    }
  });

  it('marks a delivery failed after maxAttempts, with the last error, and stops sending it', async () => {
    const data = makeDataDir();
    const receiver = await startReceiver(() => ({ status: 500 }));
    const webhook = webhookConfig(receiver.url, { maxAttempts: 3, retryBaseMs: 20 });
    const server = await startServer(data.dir, webhook);
    try {
      await queue(server.app.store, webhook, new Date());
      await waitFor('the failed mark', async () => (await deliveries(data.dir))[0]!.status === 'failed', 2000);
      const row = (await deliveries(data.dir))[0]!;
      assert.equal(row.attempts, 3);
      assert.equal(row.last_error, 'HTTP 500');
      assert.ok(row.finished_at, 'finished');
      assert.equal(receiver.calls.length, 3);
      await sleep(200);
      assert.equal(receiver.calls.length, 3, 'never sent again');
      assert.ok(server.logs.some((l) => /failed for good after 3 attempts \(HTTP 500\)/.test(l)), server.logs.join('\n'));
    } finally {
      await server.close();
      await receiver.close();
      data.remove();
    }
  });

  it('survives a receiver that is down: a network error is retried and the server keeps answering', async () => {
    const data = makeDataDir();
    const gone = await startReceiver();
    const url = gone.url;
    await gone.close();
    const webhook = webhookConfig(url, { maxAttempts: 2, retryBaseMs: 20 });
    const server = await startServer(data.dir, webhook);
    try {
      await queue(server.app.store, webhook, new Date());
      await waitFor('the failed mark', async () => (await deliveries(data.dir))[0]!.status === 'failed', 2000);
      assert.equal((await deliveries(data.dir))[0]!.last_error, 'network error (ECONNREFUSED)');
      assert.equal((await request(server.url, '/v1/health')).status, 200);
      assertLogsHoldNoBody(server.logs);
    } finally {
      await server.close();
      data.remove();
    }
  });

  it('does not let a receiver that never answers hold stop() beyond the send timeout', async () => {
    const data = makeDataDir();
    const receiver = await startReceiver(() => 'hang');
    const store = openTestStore(data.dir);
    const webhook = webhookConfig(receiver.url);
    const dispatcher = startWebhookDispatcher({ store, config: { webhook }, now: () => new Date(), timeoutMs: 300 });
    try {
      await queue(store, webhook, new Date());
      dispatcher.kick();
      await waitFor('the hanging send', async () => receiver.calls.length === 1);
      const waited = await timed('stop()', dispatcher.stop(), 1000);
      assert.ok(waited < 1000, `stop() waited ${waited} ms`);
      const row = await store.transaction((tx) => tx.getWebhook(String(receiver.calls[0]!.headers['tandem-webhook-id'])));
      assert.equal(row?.status, 'pending');
      assert.equal(row?.attempts, 1, 'the timed-out send counts as an attempt');
      assert.equal(row?.lastError, 'timeout after 300 ms');
      dispatcher.kick();
      await sleep(100);
      assert.equal(receiver.calls.length, 1, 'nothing is sent after stop()');
    } finally {
      // The receiver first: its close cuts a send still hanging (if the timeout failed).
      await receiver.close();
      await dispatcher.stop();
      await store.close();
      data.remove();
    }
  });

  it('closes the server within the send timeout when the receiver hangs, the store still open for the outcome', async () => {
    const data = makeDataDir();
    const receiver = await startReceiver(() => 'hang');
    const webhook = webhookConfig(receiver.url);
    const server = await startServer(data.dir, webhook, { webhooks: { timeoutMs: 300 } });
    try {
      await queue(server.app.store, webhook, new Date());
      await waitFor('the hanging send', async () => receiver.calls.length === 1);
      const took = await timed('close()', server.close(), 1500);
      assert.ok(took < 1500, `close() took ${took} ms`);
      assert.equal((await deliveries(data.dir))[0]!.last_error, 'timeout after 300 ms', 'recorded before the store closed');
    } finally {
      await receiver.close();
      await server.close();
      data.remove();
    }
  });

  it('sends a delivery left pending by a stopped server from the next server on the same data folder', async () => {
    const data = makeDataDir();
    let up = false;
    const receiver = await startReceiver(() => ({ status: up ? 200 : 503 }));
    const webhook = webhookConfig(receiver.url, { retryBaseMs: 20 });
    const first = await startServer(data.dir, webhook);
    let second: WebhookServer | null = null;
    try {
      await queue(first.app.store, webhook, new Date());
      // At least one (retries come every few ms while the receiver answers 503; reading the store takes longer on PostgreSQL).
      await waitFor('the first attempt recorded', async () => Number((await deliveries(data.dir))[0]?.attempts ?? 0) >= 1);
      await first.close();
      assert.equal((await deliveries(data.dir))[0]!.status, 'pending');
      const sentBefore = receiver.calls.length;

      up = true;
      second = await startServer(data.dir, webhook);
      await waitFor('the delivered mark', async () => (await deliveries(data.dir))[0]!.status === 'delivered', 2000);
      const row = (await deliveries(data.dir))[0]!;
      assert.equal(row.attempts, sentBefore + 1);
      assert.deepEqual(new Set(receiver.calls.map((c) => c.headers['tandem-webhook-id'])), new Set([row.id]));
    } finally {
      await first.close();
      await second?.close();
      await receiver.close();
      data.remove();
    }
  });

  it('sends nothing when no webhook is configured', async () => {
    const data = makeDataDir();
    const receiver = await startReceiver();
    const server = await startServer(data.dir, null);
    try {
      // Routes queue nothing…
      await queue(server.app.store, null, new Date());
      assert.equal((await deliveries(data.dir)).length, 0);
      // …and a row left by an earlier configuration stays where it is.
      await queue(server.app.store, webhookConfig(receiver.url), new Date());
      await sleep(200);
      assert.equal(receiver.calls.length, 0);
      assert.equal((await deliveries(data.dir))[0]!.status, 'pending');

      let fetched = 0;
      const dispatcher = startWebhookDispatcher({
        store: server.app.store,
        config: { webhook: null },
        now: () => new Date(),
        fetch: async () => {
          fetched += 1;
          return new Response(null, { status: 200 });
        },
        pollMs: 20,
      });
      dispatcher.kick();
      await sleep(100);
      await dispatcher.stop();
      assert.equal(fetched, 0);
    } finally {
      await server.close();
      await receiver.close();
      data.remove();
    }
  });
});

describe('the demo webhook receiver', SUITE, () => {
  const clock = new TestClock();
  const demoWebhook = webhookConfig('http://127.0.0.1:9/unused', { secret: DEMO_WEBHOOK_SECRET });
  let server: Awaited<ReturnType<typeof startTestServer>>;
  before(async () => {
    server = await startTestServer({
      clock,
      fallback: createDemoRoutes({ config: testConfig('/unused', { webhook: demoWebhook }), now: clock.now }),
    });
  });
  after(() => server.dispose());

  function notification(extra: Record<string, unknown> = {}): string {
    return JSON.stringify({
      id: randomUUID(),
      time: clock.now().toISOString(),
      course: DEMO_COURSE.id,
      type: 'request.accepted',
      learner: 'demo-alice',
      data: { request: randomUUID(), by: { id: 'demo-bob', name: '<script>alert(1)</script> Bob' }, group: randomUUID() },
      ...extra,
    });
  }

  function post(body: string, headers: Record<string, string>) {
    return request(server.url, '/demo/webhook', { rawBody: body, headers });
  }

  function signed(body: string, secret = DEMO_WEBHOOK_SECRET, at = clock.now().getTime()): Record<string, string> {
    const timestamp = String(Math.floor(at / 1000));
    return {
      'tandem-webhook-id': (JSON.parse(body) as { id: string }).id,
      'tandem-webhook-timestamp': timestamp,
      'tandem-signature': signWebhook(secret, timestamp, body),
    };
  }

  it('accepts a signed call once (dedupes retries by id) and shows it, escaped, under the CSP', async () => {
    const body = notification();
    const first = await post(body, signed(body));
    assert.equal(first.status, 204);
    const retry = await post(body, signed(body));
    assert.equal(retry.status, 204, 'a retry is acknowledged again');

    const page = await server.request('/demo/notifications');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(page.headers.get('content-security-policy'), DEMO_CSP);
    const id = (JSON.parse(body) as { id: string }).id;
    assert.equal(page.text.split(id).length - 1, 1, 'shown once');
    assert.match(page.text, /&#60;script&#62;alert\(1\)&#60;\/script&#62; Bob accepted the study request of Alice Martin/);
    assert.doesNotMatch(page.text, /<script>/);
  });

  it('refuses unsigned, wrongly signed, stale and mismatched calls', async () => {
    const body = notification();
    const good = signed(body);
    assert.equal((await post(body, {})).status, 401, 'unsigned');
    assert.equal((await post(body, signed(body, 'another-secret-0123456789abcdef0123456789'))).status, 401, 'another secret');
    assert.equal((await post(body.replace('Bob', 'Rob'), good)).status, 401, 'changed body');
    assert.equal((await post(body, signed(body, DEMO_WEBHOOK_SECRET, clock.now().getTime() - 600_000))).status, 401, 'stale');
    assert.equal((await post(body, { ...good, 'tandem-webhook-id': randomUUID() })).status, 400, 'the header disagrees with the signed id');
    const page = await server.request('/demo/notifications');
    assert.equal(page.text.includes((JSON.parse(body) as { id: string }).id), false, 'none of them kept');
  });

  it('keeps the last 50', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 55; i++) {
      const body = notification();
      ids.push((JSON.parse(body) as { id: string }).id);
      assert.equal((await post(body, signed(body))).status, 204);
    }
    const page = await server.request('/demo/notifications');
    assert.equal((page.text.match(/<li>/g) ?? []).length, 50);
    assert.ok(page.text.includes(ids[54]!) && !page.text.includes(ids[4]!));
    // Newest first.
    assert.ok(page.text.indexOf(ids[54]!) < page.text.indexOf(ids[53]!));
  });

  it('receives the endpoint’s own deliveries when the webhook points at it (the demo wiring, in process)', async () => {
    const data = makeDataDir();
    const webhook = webhookConfig('http://127.0.0.1:9/not-yet', { secret: DEMO_WEBHOOK_SECRET });
    const config = testConfig(data.dir, { webhook });
    const app = createServer({ config, fallback: createDemoRoutes({ config }), webhooks: { pollMs: 50 } });
    try {
      const base = await app.listen(0, '127.0.0.1');
      webhook.url = `${base.replace('localhost', '127.0.0.1')}/demo/webhook`;
      await queue(app.store, webhook, new Date(), requestReceived('demo-alice'), DEMO_COURSE.id);
      await waitFor('the delivered mark', async () => (await deliveries(data.dir))[0]?.status === 'delivered');
      const page = await request(base, '/demo/notifications');
      assert.match(page.text, /Bob &#60;b&#62;Lefèvre&#60;\/b&#62; asked Alice Martin to study together/);
    } finally {
      await app.close();
      data.remove();
    }
  });

  it('is wired by main.ts in demo mode: the child server sends to its own receiver', async () => {
    const data = makeDataDir();
    const child = await startChildServer(data.dir, { TANDEM_DEMO: '1' });
    try {
      // A second connection to the child's database queues a notification, as a route would.
      const store = openTestStore(data.dir);
      try {
        await queue(store, webhookConfig('http://unused.invalid'), new Date(), requestReceived('demo-chloe'), DEMO_COURSE.id);
      } finally {
        await store.close();
      }
      // Picked up by the child's next poll (every second).
      await waitFor('the delivered mark', async () => (await deliveries(data.dir))[0]?.status === 'delivered', 4000);
      const page = await request(child.url, '/demo/notifications');
      assert.match(page.text, /asked Chloé Dubois to study together/);
    } finally {
      child.child.kill('SIGTERM');
      await child.exited;
      data.remove();
    }
  });
});
