import { css, html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { MessageId } from '../i18n/translate.js';
import type { SendRequest } from '../protocol/requests.js';
import type { SessionSnapshot } from '../transport/session-types.js';
import { define } from './define.js';
import { PeerElement } from './peer-element.js';

/**
 * A small button a course designer places beside a forum author ("Study with
 * Ana"): it asks that learner to study together. A click opens a compact
 * confirmation with what and how (the learner's own profile if they opted in
 * to be found, else the course's first offer; both editable; the safety notice
 * while an in-person way is chosen), then sends the request and says so. The
 * platform vouches that the author is in the course, so the learner need not
 * have opted in. Shows the request while it waits, to cancel it; renders
 * nothing beside the learner's own name. Its code is a chunk of its own,
 * loaded only by pages that hold the tag; the learner's requests are fetched
 * once for all the buttons of a page.
 *
 * @tagname tandem-ask
 * @attr peer - The author's learner id (the `sub` of their token).
 * @attr peer-name - The author's display name.
 * @fires tandem-error - A call failed (detail: `{code, message}`).
 * @fires tandem-request-sent - And any other event the endpoint wrote for the request (detail: the event).
 * @csspart panel - The element's box (no border: it sits in a forum post).
 * @csspart form - The confirmation.
 * @csspart safety - The in-person safety notice (an in-person modality chosen).
 * @csspart button - Every button and button-like link.
 * @csspart status - The polite status line.
 * @csspart error - The error line and the configuration error.
 * @cssprop --tandem-accent - Buttons and choices (default: #1a5fb4).
 * @cssprop --tandem-focus-color - Keyboard focus outline (default: #e66100).
 * @cssprop --tandem-radius - Corner radius (default: 0.5rem).
 */
export class TandemAsk extends PeerElement {
  // Beside an author's name: no card, no reserved lines (a message appears only after the learner acts).
  static override styles = css`${PeerElement.styles}:host{display:inline-block}:host>*{border:0;padding:0;background:none}.placeholder{min-height:44px}[role=status],.error[role]{min-height:0;margin:0}`;
  static override properties: PropertyDeclarations = { peer: {}, peerName: { attribute: 'peer-name' }, open: { state: true } };

  /** The author's learner id. */
  declare peer: string;
  /** The author's display name. */
  declare peerName: string;
  /** The confirmation is open. */
  private open?: boolean;

  protected override load(): void {
    this.open = false;
  }

  async #open(): Promise<void> {
    this.open = true;
    this.invalid = [];
    this.chosen = undefined;
    this.error = this.status = '';
    // The learner's profile gives the defaults; without it, the course's offer in their state still gives the choices.
    if (this.mine === undefined) await this.fetch('mine');
    void this.focusAfterRender('input');
  }

  async #send(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const [objects, modalities] = (['objects', 'modalities'] as const).map((field) => data.getAll(field)) as [SendRequest['objects'], SendRequest['modalities']];
    this.invalid = ['objects', 'modalities'].filter((field) => !data.has(field));
    if (this.invalid[0]) return void this.focusAfterRender('[data-invalid] input');
    // Sent: the button gives way to "Request sent" and Cancel, where focus goes.
    if (await this.ask(this.peer, 'ask', objects, modalities)) {
      this.open = false;
      void this.focusAfterRender('button');
    }
  }

  protected override content(snapshot: SessionSnapshot): TemplateResult | typeof nothing {
    const { t } = this;
    const name = { name: this.peerName ?? this.peer };
    const state = snapshot.state!;
    const mine = this.mine;
    const request = this.sentTo(this.peer);
    // Signed out: "Sign in to study with Ana", as the enroll link if there is one (the prompt, worded already, is
    // no message id: it shows as it is); the placeholder until the state is known.
    return (
      this.gate(snapshot, t('ask.signed-out', name) as MessageId) ??
      // Nobody studies with themselves: the button beside one's own posts is left out.
      (state.learner.id == this.peer
        ? nothing
        : this.open && mine === undefined
          ? html`<p class="placeholder muted">${t('common.loading')}</p>`
          : request
            ? // Said once: by the status line just after sending (where screen readers hear it), else here.
              html`${this.status ? '' : html`<p>${t('peers.sent')}</p>`}${this.confirmable('cancel', 'peers.cancel' as MessageId, 'peers.confirm-cancel' as MessageId, async () => {
                if (await this.answer(request, 'cancel')) {
                  this.status = t('peers.cancelled');
                  void this.focusAfterRender('button');
                }
              })}`
            : this.open
              ? this.#form(mine?.options ?? state.settings, t('ask.button', name))
              : html`<button part=button @click=${this.#open}>${t('ask.button', name)}</button>`)
    );
  }

  /** The confirmation: what and how, among what the course offers. */
  #form(offer: { objects: readonly string[]; modalities: readonly string[] }, label: string): TemplateResult {
    // The learner's own profile where it fits the course's offer, else the offer's first choice.
    const choices = (field: 'objects' | 'modalities'): string[] => {
      const own = offer[field].filter((code) => this.mine?.profile?.[field].includes(code as never));
      return own.length ? own : offer[field].slice(0, 1);
    };
    const how = choices('modalities');
    return html`<form part=form novalidate aria-label=${label} @submit=${this.#send} @change=${this.pick}>${this.boxes(
      'objects',
      'invite.what',
      offer.objects,
      this.label('object'),
      choices('objects'),
    )}${this.boxes('modalities', 'invite.how', offer.modalities, this.label('modality'), how)}${this.safety(this.chosen ?? how)}<div class=row><button part=button ?disabled=${this.busy}>${this.t(
      'peers.ask',
    )}</button><button part=button type=button class=alt @click=${() => {
      this.open = false;
      void this.focusAfterRender('button');
    }}>${this.t('profile.cancel')}</button></div></form>`;
  }
}

define('tandem-ask', TandemAsk);

declare global {
  interface HTMLElementTagNameMap {
    'tandem-ask': TandemAsk;
  }
}
