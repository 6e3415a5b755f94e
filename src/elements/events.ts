import type { ServerEvent } from '../protocol/events.js';
import type { ClientFact } from '../transport/session-types.js';

/** What `tandem-error` carries: a stable code for programs, a message for logs. */
export interface TandemErrorDetail {
  code: string;
  message: string;
}

/**
 * A Tandem event as a DOM event: `invite.created` becomes
 * `tandem-invite-created`. It bubbles out of shadow roots so a host page can
 * listen on `document` without any endpoint.
 */
export class TandemDomEvent<T extends ServerEvent | ClientFact = ServerEvent | ClientFact> extends CustomEvent<T> {
  constructor(event: T) {
    super(`tandem-${event.type.replace(/\./g, '-')}`, { detail: event, bubbles: true, composed: true });
  }
}

/** A command or a tracked fact failed. */
export class TandemErrorEvent extends CustomEvent<TandemErrorDetail> {
  constructor(detail: TandemErrorDetail) {
    super('tandem-error', { detail, bubbles: true, composed: true });
  }
}

/** Dispatched on `document` by `<tandem-config>` when it appears, changes or goes. */
export class TandemConfigChangeEvent extends Event {
  static readonly type = 'tandem-config-change';
  constructor() {
    super(TandemConfigChangeEvent.type);
  }
}

declare global {
  interface DocumentEventMap {
    'tandem-config-change': TandemConfigChangeEvent;
    'tandem-error': TandemErrorEvent;
  }
}
