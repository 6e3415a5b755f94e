import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { readInviteFragment, stripInviteFragment } from '../core/invite-code.js';
import type { ErrorCode, InviteDetails } from '../protocol/api.js';
import type { SessionSnapshot, TandemSessionApi } from '../transport/session-types.js';
import { define } from './define.js';
import { TandemElement } from './tandem-element.js';

type Details = { ok: true; details: InviteDetails } | { ok: false; code: ErrorCode | 'network' | 'bad_reply' };

/** Answers that end an invite for this browser: it is forgotten rather than offered again. */
const FINAL: readonly string[] = ['invite_not_found', 'invite_expired', 'invite_cancelled', 'invite_used', 'invite_declined', 'own_invite', 'already_member', 'group_full'];

/** Invites whose `invite.opened` fact this page has recorded, so each is tracked once per page. */
const opened = new Set<string>();

/**
 * Opens an invite link: reads the code from the URL fragment
 * (`#tandem-invite=…`), shows who invites the visitor, to which course, to do
 * what and how — before they sign in — and lets them accept or decline. A
 * visitor who is not signed in keeps the invite in this browser and goes to
 * the enroll URL; back signed in, the kept invite is offered again. Renders
 * nothing when there is no invite.
 *
 * @fires tandem-invite-opened - A signed-in learner saw an invite (detail: the fact).
 * @fires tandem-invite-accepted - The endpoint added the learner to the group (detail: the event).
 * @fires tandem-invite-declined - The endpoint recorded the refusal.
 * @fires tandem-error - A command failed (detail: `{code, message}`).
 * @csspart panel - The element's box.
 * @csspart button - Every button and button-like link.
 * @csspart banner - The offline notice.
 * @csspart notice - The "saved on this device only" notice.
 * @csspart status - The polite status line.
 * @csspart error - The error line and the configuration error.
 * @cssprop --tandem-accent - Buttons (default: #1a5fb4).
 * @cssprop --tandem-focus-color - Keyboard focus outline (default: #e66100).
 * @cssprop --tandem-radius - Corner radius (default: 0.5rem).
 * @cssprop --tandem-spacing - Inner spacing (default: 1rem).
 */
export class TandemJoin extends TandemElement {
  /** What the URL fragment holds now. */
  @state() private fragment = readInviteFragment(location.hash);
  /** The details of the code shown, once the endpoint answered. */
  @state() private details: { code: string; answer: Details } | null = null;
  /** The learner's answer, once the endpoint recorded it. */
  @state() private answered: 'accepted' | 'declined' | null = null;

  #loading: string | null = null;
  readonly #onHashChange = (): void => {
    this.fragment = readInviteFragment(location.hash);
    if (this.fragment.kind !== 'none') this.answered = null;
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.#onHashChange);
    this.#onHashChange();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.#onHashChange);
  }

  protected override willUpdate(): void {
    const session = this.ctx.session;
    const code = this.#code();
    if (!session || !code) return;
    if (this.details?.code !== code && this.#loading !== code) void this.#load(session, code);
    const details = this.details?.code === code ? this.details.answer : null;
    if (details?.ok && this.ctx.snapshot?.status === 'signed-in' && !opened.has(details.details.id)) {
      opened.add(details.details.id);
      void this.track({ type: 'invite.opened', invite: details.details.id });
    }
  }

  /** The code to show: the link's, else the one kept while the visitor signed in. */
  #code(): string | null {
    if (this.fragment.kind === 'code') return this.fragment.code;
    if (this.fragment.kind === 'none' && !this.answered) return this.ctx.snapshot?.keptInvite ?? null;
    return null;
  }

  async #load(session: TandemSessionApi, code: string): Promise<void> {
    this.#loading = code;
    let answer: Details;
    try {
      const reply = await session.inviteDetails(code);
      answer = reply.ok ? reply : { ok: false, code: reply.code };
    } catch {
      answer = { ok: false, code: 'network' };
    }
    this.#loading = null;
    this.details = { code, answer };
  }

  async #signIn(event: Event, code: string, href: string): Promise<void> {
    // Keep the code before leaving: the enroll page may take the visitor anywhere.
    event.preventDefault();
    await this.ctx.session?.keepInvite(code);
    location.assign(href);
  }

  async #answer(code: string, type: 'invite.accept' | 'invite.decline'): Promise<void> {
    const outcome = await this.run({ type, code });
    if (outcome.ok || FINAL.includes(outcome.code)) await this.ctx.session?.keepInvite(null);
    if (!outcome.ok) return;
    this.answered = type === 'invite.accept' ? 'accepted' : 'declined';
    this.status = this.t(this.answered === 'accepted' ? 'join.accepted' : 'join.declined');
    if (this.fragment.kind !== 'none') {
      history.replaceState(history.state, '', `${location.pathname}${location.search}${stripInviteFragment(location.hash)}`);
      this.fragment = { kind: 'none' };
    }
  }

  protected override renderContent(snapshot: SessionSnapshot): TemplateResult | typeof nothing {
    if (this.answered) return html`<p>${this.t(this.answered === 'accepted' ? 'join.accepted' : 'join.declined')}</p>`;
    if (this.fragment.kind === 'malformed') return html`<p class="error">${this.t('join.malformed')}</p>`;
    const code = this.#code();
    if (!code) return nothing;
    const details = this.details?.code === code ? this.details.answer : null;
    if (!details) return html`<div class="placeholder"><p class="muted">${this.t('join.loading')}</p></div>`;
    if (!details.ok) return html`<p class="error">${this.t(`error.${details.code}`)}</p>`;
    return html`${this.#renderDetails(details.details)} ${this.#renderActions(snapshot, code)}`;
  }

  #renderDetails(details: InviteDetails): TemplateResult {
    const config = this.ctx.config;
    const course = details.course === config?.course ? (config['course-title'] ?? details.course) : details.course;
    return html`<h2>${this.t('join.title', { name: details.inviter.name, course })}</h2>
      <p>${this.t('join.as', { relationship: this.t(`relationship.${details.relationship}`) })}</p>
      <dl>
        <dt>${this.t('common.what')}</dt>
        <dd>${this.labels('object', details.objects)}</dd>
        <dt>${this.t('common.how')}</dt>
        <dd>${this.labels('modality', details.modalities)}</dd>
      </dl>
      ${details.members > 0 ? html`<p>${this.t('join.group', { members: details.members, size: details.groupSize })}</p>` : nothing}`;
  }

  #renderActions(snapshot: SessionSnapshot, code: string): TemplateResult | typeof nothing {
    if (snapshot.status === 'loading') return nothing;
    if (snapshot.status === 'signed-out') {
      const enroll = this.ctx.config?.['enroll-url'];
      return enroll
        ? html`<a part="button" class="button" href=${enroll} @click=${(e: Event) => this.#signIn(e, code, enroll)}>${this.t('join.sign-in')}</a>`
        : html`<p>${this.t('join.sign-in-hint')}</p>`;
    }
    return html`<div class="actions">
      <button part="button" ?disabled=${this.busy} @click=${() => this.#answer(code, 'invite.accept')}>${this.t('join.accept')}</button>
      <button part="button" class="secondary" ?disabled=${this.busy} @click=${() => this.#answer(code, 'invite.decline')}>
        ${this.t('join.decline')}
      </button>
    </div>`;
  }
}

define('tandem-join', TandemJoin);

declare global {
  interface HTMLElementTagNameMap {
    'tandem-join': TandemJoin;
  }
}
