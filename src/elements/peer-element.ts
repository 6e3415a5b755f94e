import { css, html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { PEER_MESSAGE_IDS, type PeerMessageId } from '../i18n/peer-message-ids.js';
import type { Catalogue, Locale, MessageId, Messages, Params } from '../i18n/translate.js';
import type { RequestOrigin, SendRequest } from '../protocol/requests.js';
import { answerRequest, loadDiscovery, loadRequests, sendRequest, type MyDiscovery, type PeerReason, type PeerRequest, type RequestList } from '../transport/discovery.js';
import type { Reply, TandemSessionApi } from '../transport/session-types.js';
import { fire } from './events.js';
import { TandemElement } from './tandem-element.js';

export type AnyMessageId = MessageId | PeerMessageId;

export const inPerson = (modalities: readonly string[]): boolean => modalities.some((m) => m.startsWith('in-person'));

/** Part 1's messages with part 2's, by language, once both loaded (part 2's are a chunk of their own, beside part 1's). */
const catalogues: Partial<Record<Locale, Messages | Promise<Messages>>> = {};

/**
 * What part 2's elements share on top of `TandemElement`: their own message
 * catalogue beside part 1's (the course's `messages` overrides apply to both),
 * the learner's requests and discovery status, asking and answering with their
 * events and errors, a hook when the learner changes, checkbox groups, the
 * in-person safety notice, and the wording of ranking reasons.
 */
export abstract class PeerElement extends TandemElement {
  static override styles = css`${TandemElement.styles}select,#city{min-height:44px;border:1px solid var(--tandem-border-color,#767676);border-radius:var(--r)}.reasons{padding-left:1em;list-style:disc}.reasons li{border:0;padding:0}`;
  static override properties: PropertyDeclarations = { invalid: { state: true }, requests: { state: true }, mine: { state: true }, chosen: { state: true } };

  /** Fields found wrong at the last submit. */
  protected invalid?: string[];
  /** The learner's requests (to answer, and their own), once loaded: one fetch for all the elements of a page. */
  protected requests?: RequestList;
  /** The learner's discovery status (profile, the course's options, pool outcome) once `fetch('mine')` loaded it; null if that failed. */
  protected mine?: MyDiscovery | null;
  /** Bumped when the learner changes, so a reply about an earlier one is dropped. */
  protected turn = 0;
  /** The modalities ticked in the open form, once the learner changed any. */
  protected chosen?: string[];
  /** The element's language (for `Intl` formats too). */
  protected locale?: Locale;

  /** The learner whose data the element shows (undefined: nobody signed in). */
  #learner?: string;
  /** The learner and the count of requests to answer in their state, when their requests were last fetched. */
  #key?: string;
  /** Requests that got no answer (a network failure), by peer: sent again as they are, so the endpoint sees the same id. */
  readonly #unanswered = new Map<string, SendRequest>();

  /** Part 1's messages and part 2's: the element waits for both (loaded once per page). */
  protected override catalogue(locale: Locale): Messages | Promise<Messages> {
    return (catalogues[(this.locale = locale)] ??= Promise.all([
      super.catalogue(locale),
      locale == 'fr' ? import('../i18n/peers-fr.js') : import('../i18n/peers-en.js'),
    ]).then(
      ([part1, { texts }]: [Messages, { texts: Catalogue }]) =>
        (catalogues[locale] = { ...part1, ...Object.fromEntries(PEER_MESSAGE_IDS.map((id, i) => [id, texts[i]!])) }),
      // Offline before part 2's chunk was cached: part 1's messages, and ids for part 2's rather than a blank, as
      // part 1 does; the next element tries again.
      () => ((catalogues[locale] = undefined), super.catalogue(locale)),
    ));
  }

  declare protected t: (id: AnyMessageId, params?: Params) => string;

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // Whose data this element shows: a new learner (a sign-in, another account) loads afresh. Their requests are
    // fetched again (once for the page's elements) when their state counts other requests to answer: one arrived,
    // seen at the session's next state refresh.
    const snapshot = this.snapshot;
    const state = snapshot?.status == 'signed-in' ? snapshot.state : null;
    const learner = state?.learner.id;
    const key = [learner, state?.incomingRequests] + '';
    if (key != this.#key) {
      this.#key = key;
      if (learner !== this.#learner) {
        this.#learner = learner;
        this.turn++;
        this.invalid = [];
        // What was said to the last learner ("Request sent"…) is not for this one.
        this.status = this.error = '';
        this.requests = this.mine = undefined;
        this.#unanswered.clear();
        this.load(learner);
      }
      if (learner) void this.fetch('requests');
    }
  }

  /** Called when the signed-in learner changes (their id; undefined when nobody is): reset and load what the element shows. */
  protected load(_learner?: string): void {}

  /** Loads the learner's requests, or their discovery status (`mine`, null if that failed), unless the learner changed meanwhile. */
  protected async fetch(what: 'requests' | 'mine'): Promise<void> {
    const turn = this.turn;
    const reply = await (what == 'mine' ? loadDiscovery : loadRequests)(this.bound!);
    if (turn == this.turn) reply.ok ? (this[what] = reply.value as never) : ((this.error = this.failure(reply.code)), what == 'mine' && (this.mine = null));
  }

  /** The learner's pending request to `peer`, if any. */
  protected sentTo(peer: string): PeerRequest | undefined {
    return this.requests?.outgoing.find((r) => r.peer.id == peer && r.status == 'pending');
  }

  /**
   * Asks `peer` to study together. After a network failure (no answer), the
   * same request goes again, same id, if the choices did not change: the
   * endpoint answers it once. Resolves with whether the endpoint took it.
   */
  protected async ask(peer: string, from: RequestOrigin, objects: SendRequest['objects'], modalities: SendRequest['modalities']): Promise<boolean> {
    const last = this.#unanswered.get(peer);
    // (Objects and modalities have no code in common: joined, they still say which is which.)
    const request = last && [last.objects, last.modalities] + '' == [objects, modalities] + '' ? last : { id: crypto.randomUUID(), peer, from, objects, modalities };
    this.#unanswered.set(peer, request);
    const reply = await this.call((session) => sendRequest(session, request));
    // Any answer, yes or no, settles it; without one it is kept, to be sent again as it is.
    if (reply.ok || reply.status) this.#unanswered.delete(peer);
    if (reply.ok) {
      this.requests = { incoming: this.requests?.incoming ?? [], outgoing: [...(this.requests?.outgoing ?? []), reply.value.request] };
      // Said in the polite status line, where screen readers hear it (the button that was pressed is gone).
      this.status = this.t('peers.sent');
    }
    // Asked already (in another tab, or before the list came): the list shows it.
    if (!reply.ok && reply.code == 'duplicate_request') void this.fetch('requests');
    return reply.ok;
  }

  /** Accepts, declines or cancels `request`; either way (or if it was closed meanwhile) it leaves the pending ones. */
  protected async answer(request: PeerRequest, answer: 'accept' | 'decline' | 'cancel'): Promise<boolean> {
    const reply = await this.call((session) => answerRequest(session, request.id, answer));
    const others = (list?: PeerRequest[]): PeerRequest[] => list?.filter((r) => r != request) ?? [];
    if (reply.ok || /request_/.test(reply.code)) this.requests = { incoming: others(this.requests?.incoming), outgoing: others(this.requests?.outgoing) };
    return reply.ok;
  }

  /**
   * Calls one of part 2's routes: busy meanwhile (buttons wait, the status
   * says "Sending…"); then the events the endpoint wrote are dispatched, or the
   * error is shown and `tandem-error` fired. Resolves with the reply (never
   * rejects: offline, it fails at once with `network`).
   */
  protected async call<T>(send: (session: TandemSessionApi) => Promise<Reply<T>>): Promise<Reply<T>> {
    this.busy = true;
    this.error = this.status = '';
    const reply = await send(this.bound!);
    this.busy = false;
    if (reply.ok) for (const event of (reply.value as { events?: { type: string }[] } | undefined)?.events ?? []) fire(this, event as never);
    else {
      this.error = this.failure(reply.code);
      fire(this, { code: reply.code, message: reply.message });
    }
    return reply;
  }

  /** A code's label: `label('object')('discuss')` is "Talk about the course". */
  protected label =
    (prefix: string) =>
    (code: string): string =>
      this.t(`${prefix}.${code}` as MessageId);

  /** A language tag's name in the page's language ("fr" → "French"), the tag itself when the browser has none. */
  protected language = (tag: string): string => {
    try {
      return new Intl.DisplayNames(this.locale, { type: 'language' }).of(tag)!;
    } catch {
      return tag;
    }
  };

  /**
   * A fieldset of checkboxes (or radio buttons) named `name`, one per value,
   * those in `checked` ticked; when the last submit found it wrong, `need`
   * says what to do.
   */
  protected boxes(
    name: string,
    legend: AnyMessageId,
    values: readonly string[],
    label: (value: string) => string,
    checked?: readonly string[],
    need: AnyMessageId = 'invite.need',
    type = 'checkbox',
  ): TemplateResult {
    const wrong = this.invalid?.includes(name);
    return html`<fieldset ?data-invalid=${wrong} aria-describedby=${wrong ? name + '-error' : nothing}><legend>${this.t(legend)}</legend>${values.map(
      (value) => html`<label><input type=${type} name=${name} value=${value} ?checked=${checked?.includes(value)} />${label(value)}</label>`,
    )}${wrong ? html`<p id="${name}-error" class=error>${this.t(need)}</p>` : ''}</fieldset>`;
  }

  /** A form's change handler: keeps `chosen` up to date. */
  protected pick = (event: Event): void => void (this.chosen = new FormData(event.currentTarget as HTMLFormElement).getAll('modalities') as string[]);

  /** The in-person safety notice, where `modalities` hold an in-person one. */
  protected safety(modalities: readonly string[]): TemplateResult | '' {
    return inPerson(modalities) ? html`<p part=safety role=note><strong>${this.t('profile.safety')}</strong></p>` : '';
  }

  /** Why a peer ranks, one phrase per reason. */
  protected reasons(reasons: readonly PeerReason[]): TemplateResult | string {
    const { t } = this;
    return reasons.length
      ? html`<ul class=reasons>${reasons.map(({ code, part, ...fields }) => {
          const list = fields.objects?.map(this.label('object')) ?? fields.modalities?.map(this.label('modality')) ?? fields.languages?.map(this.language);
          return html`<li>${t(`reason.${code}`, { ...fields, part: part && t(`part.${part}`).toLowerCase(), list: list?.join(', ') } as unknown as Params)}</li>`;
        })}</ul>`
      : '';
  }
}
