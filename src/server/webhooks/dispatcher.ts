import type { ServerConfig, WebhookConfig } from '../config.js';
import { startOutboxDispatcher, type OutboxDispatcher, type OutboxDispatcherOptions, type OutboxKind } from '../outbox/dispatcher.js';
import type { WebhookDelivery } from '../store/store.js';
import { signWebhook, WEBHOOK_USER_AGENT } from './webhook-signature.js';

/*
 * Sends the notifications queued by `queueNotification` (notify.ts) to the
 * platform's webhook, and retries them with backoff: an outbox
 * (src/server/outbox/dispatcher.ts, which polls, leases, retries and logs).
 * What is the webhook's own:
 *
 * - Each attempt POSTs the stored body byte for byte, with a fresh timestamp
 *   and its signature (webhook-signature.ts), so that a receiver can refuse a
 *   replay. 2xx: delivered; no status fails a delivery at once.
 * - A failed attempt delays that delivery only: the others are still tried.
 * - Log lines start with `webhook`: ids, types, statuses and HTTP codes only
 *   (bodies hold display names).
 */

/** Kicked after a commit that queued a delivery; stopped before the store closes. */
export type WebhookDispatcher = OutboxDispatcher;

/** `config.webhook` is read at each send; null: nothing is sent (queued rows wait). */
export type WebhookDispatcherOptions = OutboxDispatcherOptions & { config: Pick<ServerConfig, 'webhook'> };

export const DEFAULT_WEBHOOK_POLL_MS = 1_000;
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RETRY_AFTER_MS = 60 * 60_000;

/** Starts polling for due deliveries; returns the handle to kick and stop it. */
export function startWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  return startOutboxDispatcher(webhookOutbox(options), options);
}

function webhookOutbox({ config, now }: WebhookDispatcherOptions): OutboxKind<WebhookDelivery, WebhookConfig> {
  return {
    name: 'webhook',
    receiver: () => config.webhook,
    due: (tx, at, limit) => tx.dueWebhooks(at, limit),
    get: (tx, id) => tx.getWebhook(id),
    update: (tx, id, patch) => tx.updateWebhook(id, patch),
    about: (delivery) => delivery.type,
    request(webhook, delivery) {
      const timestamp = Math.floor(now().getTime() / 1000);
      return {
        url: webhook.url,
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Tandem-Webhook-Id': delivery.id,
          'Tandem-Webhook-Timestamp': String(timestamp),
          'Tandem-Signature': signWebhook(webhook.secret, timestamp, delivery.body),
          'User-Agent': WEBHOOK_USER_AGENT,
        },
        body: delivery.body,
      };
    },
    pauseAfterRetry: false,
    defaults: { pollMs: DEFAULT_WEBHOOK_POLL_MS, timeoutMs: DEFAULT_WEBHOOK_TIMEOUT_MS, maxRetryAfterMs: DEFAULT_MAX_RETRY_AFTER_MS },
  };
}
