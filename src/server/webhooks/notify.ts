import { randomUUID } from 'node:crypto';
import type { WebhookNotification } from '../../protocol/webhooks.js';
import type { ServerConfig } from '../config.js';
import type { StoreTx } from '../store/store.js';

/** A notification before its envelope: the type, whom it is for, and its data. */
export type NotificationInput = WebhookNotification extends infer N
  ? N extends WebhookNotification
    ? Omit<N, 'id' | 'time' | 'course'>
    : never
  : never;

/**
 * Queues a notification for the platform's webhook, in the caller's
 * transaction: it is sent if and only if what it announces committed, and it
 * survives a restart (the dispatcher sends and retries it). Nothing is queued
 * when no webhook is configured.
 */
export async function queueNotification(
  tx: StoreTx,
  config: Pick<ServerConfig, 'webhook'>,
  { course, now }: { course: string; now: Date },
  input: NotificationInput,
): Promise<void> {
  if (!config.webhook) return;
  const time = now.toISOString();
  const notification = { id: randomUUID(), time, course, ...input } as WebhookNotification;
  await tx.insertWebhook({
    id: notification.id,
    course,
    type: notification.type,
    body: JSON.stringify(notification),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: time,
    lastError: null,
    createdAt: time,
    finishedAt: null,
  });
}
