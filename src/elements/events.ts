import type { ServerEvent } from '../protocol/events.js';
import type { ClientFact } from '../transport/session-types.js';

/** What `tandem-error` carries: a stable code for programs, a message for logs. */
export interface TandemErrorDetail {
  code: string;
  message: string;
}

/** Dispatched on `document` by `<tandem-config>` when it appears, changes or goes. */
export const CONFIG_CHANGE = 'tandem-config-change';

/**
 * Dispatches a Tandem event as a DOM event on `target`: `invite.created`
 * becomes `tandem-invite-created` with the event as detail; a `TandemErrorDetail`
 * becomes `tandem-error`. It bubbles out of shadow roots so a host page can
 * listen on `document` without any endpoint.
 */
export function fire(target: EventTarget, detail: ServerEvent | ClientFact | TandemErrorDetail): void {
  target.dispatchEvent(
    new CustomEvent('tandem-' + ('type' in detail ? detail.type.replace(/\./g, '-') : 'error'), { detail, bubbles: true, composed: true }),
  );
}

declare global {
  interface DocumentEventMap {
    'tandem-error': CustomEvent<TandemErrorDetail>;
  }
}
