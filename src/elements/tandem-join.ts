import { html, type PropertyDeclarations, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { readInviteFragment, stripInviteFragment, type FragmentInvite } from '../core/invite-code.js';
import type { SessionSnapshot, TandemSessionApi } from '../transport/session-types.js';
import { define } from './define.js';
import { TandemElement } from './tandem-element.js';

type Details = Awaited<ReturnType<TandemSessionApi['inviteDetails']>>;

/**
 * Refusals that end an invite for this browser, so a kept one is forgotten
 * rather than offered again: every `invite_*` code, `own_invite`,
 * `already_member`, `group_full` (not network, token or server trouble).
 */
const FINAL = /invite|already|full/;

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
 * @tagname tandem-join
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
  static override properties: PropertyDeclarations = { fragment: { state: true }, shown: { state: true }, answered: { state: true } };

  /** What the URL fragment holds now (read on connection). */
  private fragment!: FragmentInvite;
  /** The code shown, with the endpoint's answer about it once it came. */
  private shown?: { code: string; details?: Details };
  /** The learner's answer, once the endpoint recorded it (a decline in the words of the refusal: "This invite was declined"). */
  private answered?: 'join.accepted' | 'error.invite_declined' | null;

  readonly #onHashChange = (): void => {
    this.fragment = readInviteFragment(location.hash);
    if (this.fragment.kind != 'none') this.answered = null;
  };

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('hashchange', this.#onHashChange);
    this.#onHashChange();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('hashchange', this.#onHashChange);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const code = this.#code();
    if (code && this.shown?.code != code && this.bound) void this.#load(code);
    const details = this.shown?.details;
    if (details?.ok && this.snapshot?.status == 'signed-in' && !opened.has(details.details.id)) {
      opened.add(details.details.id);
      void this.track({ type: 'invite.opened', invite: details.details.id });
    }
  }

  /** The code to show: the link's, else the one kept while the visitor signed in. */
  #code(): string | null | undefined {
    const fragment = this.fragment;
    return fragment.kind == 'code' ? fragment.code : fragment.kind == 'none' && !this.answered ? this.snapshot?.keptInvite : null;
  }

  async #load(code: string): Promise<void> {
    const shown = (this.shown = { code });
    // The session answers a network failure as `{ok: false, code: 'network'}`: it never rejects.
    const details = await this.bound!.inviteDetails(code);
    // A newer code may have replaced this one meanwhile.
    if (this.shown == shown) this.shown = { code, details };
  }

  async #answer(code: string, type: 'invite.accept' | 'invite.decline'): Promise<void> {
    const { t } = this;
    const outcome = await this.run({ type, code });
    if (outcome.ok || FINAL.test(outcome.code)) await this.bound?.keepInvite(null);
    if (!outcome.ok) return;
    this.status = t((this.answered = type == 'invite.accept' ? 'join.accepted' : 'error.invite_declined'));
    if (this.fragment.kind != 'none') {
      history.replaceState(history.state, '', location.pathname + location.search + stripInviteFragment(location.hash));
      this.fragment = { kind: 'none' };
    }
  }

  protected override content(snapshot: SessionSnapshot): TemplateResult | typeof nothing {
    const { t } = this;
    if (this.answered) return html`<p>${t(this.answered)}</p>`;
    const code = this.#code();
    // A damaged link and an unknown code get the same advice: ask for a new link.
    const answer = this.fragment.kind == 'malformed' ? { ok: false as const, code: 'invite_not_found' } : this.shown?.code == code && this.shown?.details;
    if (answer && !answer.ok) return html`<p class=error>${this.failure(answer.code)}</p>`;
    if (!code) return nothing;
    if (!answer) return html`<p class="placeholder muted">${t('common.loading')}</p>`;
    const details = answer.details;
    const config = this.config!;
    const enroll = config['enroll-url'];
    return html`<h2>${t('join.title', {
      name: details.inviter.name,
      course: details.course == config.course ? (config['course-title'] ?? details.course) : details.course,
    })}</h2><p>${t('join.as', { relationship: t(`relationship.${details.relationship}`) })}</p>${this.whatHow(details)}${
      details.members ? html`<p>${t('join.group', { members: details.members, size: details.groupSize })}</p>` : ''
    }${
      snapshot.status == 'loading'
        ? ''
        : snapshot.status == 'signed-out'
          ? // Keep the code before leaving: the enroll page may take the visitor anywhere.
            (this.enroll('join.sign-in', async (event) => {
              event.preventDefault();
              await this.bound?.keepInvite(code);
              location.assign(enroll!);
            }) ?? html`<p>${t('join.sign-in')}</p>`)
          : html`<div class=row><button part=button ?disabled=${this.busy} @click=${() => this.#answer(code, 'invite.accept')}>${t(
              'join.accept',
            )}</button><button part=button class=alt ?disabled=${this.busy} @click=${() => this.#answer(code, 'invite.decline')}>${t(
              'join.decline',
            )}</button></div>`
    }`;
  }
}

define('tandem-join', TandemJoin);

declare global {
  interface HTMLElementTagNameMap {
    'tandem-join': TandemJoin;
  }
}
