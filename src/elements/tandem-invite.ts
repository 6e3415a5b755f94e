import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { PCHM_RELATIONSHIPS } from '../core/typology.js';
import { buildInviteLink, stripInviteFragment } from '../core/invite-code.js';
import { groupHasRoom } from '../core/group-rules.js';
import type { Group, LearnerState, OwnInvite } from '../protocol/api.js';
import type { SessionSnapshot } from '../transport/session-types.js';
import type { MessageId } from '../i18n/translate.js';
import { define } from './define.js';
import { TandemElement } from './tandem-element.js';

type Field = 'relationship' | 'objects' | 'modalities';
const NEED: Record<Field, MessageId> = { relationship: 'invite.need-who', objects: 'invite.need-what', modalities: 'invite.need-how' };

/**
 * Lets a signed-in learner invite someone they know (family, friend,
 * colleague, classmate), say what they will do together and how, and share
 * the link; lists their invites with their status, to cancel one; and offers
 * to invite more people into a group that has room. Configured by
 * `<tandem-config>` or by the same attributes on the element itself.
 *
 * @fires tandem-invite-created - The endpoint created an invite (detail: the event).
 * @fires tandem-invite-cancelled - The endpoint cancelled an invite.
 * @fires tandem-invite-link-shared - The learner copied, shared or emailed a link (detail: the fact).
 * @fires tandem-error - A command failed (detail: `{code, message}`).
 * @csspart panel - The element's box.
 * @csspart form - The invite form.
 * @csspart button - Every button and button-like link.
 * @csspart link - The invite link field.
 * @csspart invite - One invite in the list.
 * @csspart group - One group with room, in the list.
 * @csspart banner - The offline notice.
 * @csspart notice - The "saved on this device only" notice.
 * @csspart status - The polite status line.
 * @csspart error - The error line and the configuration error.
 * @cssprop --tandem-font - Font shorthand (default: inherited).
 * @cssprop --tandem-color - Text colour (default: inherited).
 * @cssprop --tandem-accent - Buttons and choices (default: #1a5fb4).
 * @cssprop --tandem-on-accent - Text on the accent (default: #fff).
 * @cssprop --tandem-surface - Background of the box (default: #fff).
 * @cssprop --tandem-border-color - Borders (default: #c4c7cc).
 * @cssprop --tandem-radius - Corner radius (default: 0.5rem).
 * @cssprop --tandem-spacing - Inner spacing (default: 1rem).
 * @cssprop --tandem-focus-color - Keyboard focus outline (default: #e66100).
 * @cssprop --tandem-error-color - Error text (default: #b3261e).
 */
export class TandemInvite extends TandemElement {
  /** Fields left empty at the last submit. */
  @state() private invalid: Field[] = [];
  /** The group being invited into, or null for a new tandem. */
  @state() private group: Group | null = null;
  /** The invite link just made. */
  @state() private ready: { invite: string; url: string } | null = null;
  /** The invite whose cancellation waits for confirmation. */
  @state() private confirming: string | null = null;

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const group = this.group;
    const choice = {
      relationship: data.getAll('relationship') as string[],
      objects: group ? group.objects : (data.getAll('objects') as string[]),
      modalities: group ? group.modalities : (data.getAll('modalities') as string[]),
    };
    this.invalid = (Object.keys(choice) as Field[]).filter((field) => choice[field].length === 0);
    if (this.invalid.length > 0) {
      void this.focusAfterRender('[data-invalid] input');
      return;
    }
    const outcome = await this.run({
      type: 'invite.create',
      relationship: choice.relationship[0] as OwnInvite['relationship'],
      objects: choice.objects as OwnInvite['objects'],
      modalities: choice.modalities as OwnInvite['modalities'],
      ...(group ? { group: group.id } : {}),
    });
    if (outcome.ok && outcome.result.code && outcome.result.invite) {
      this.ready = { invite: outcome.result.invite, url: this.#link(outcome.result.code) };
      this.group = null;
      this.status = this.t('invite.ready');
      void this.focusAfterRender('#link');
    }
  }

  /** The course page's own URL (without any invite it was opened with) carrying `code`. */
  #link(code: string): string {
    const page = new URL(location.href);
    page.hash = stripInviteFragment(page.hash);
    return buildInviteLink(page.href, code);
  }

  async #copy(invite: string, url: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(url);
      this.status = this.t('invite.copied');
      await this.track({ type: 'invite.link-shared', invite, channel: 'copy' });
    } catch {
      this.status = this.t('invite.copy-failed');
      this.renderRoot.querySelector<HTMLInputElement>('#link')?.select();
    }
  }

  async #share(invite: string, url: string): Promise<void> {
    try {
      await navigator.share({ title: this.#mail().subject, url });
      await this.track({ type: 'invite.link-shared', invite, channel: 'share' });
    } catch {
      // Closing the share sheet rejects too: nothing was shared, nothing to say.
    }
  }

  #mail(url = ''): { subject: string; body: string } {
    const course = this.ctx.config?.['course-title'] ?? this.ctx.config?.course ?? '';
    return { subject: this.t('invite.mail-subject', { course }), body: this.t('invite.mail-body', { course, link: url }) };
  }

  async #cancel(invite: string): Promise<void> {
    this.confirming = null;
    const outcome = await this.run({ type: 'invite.cancel', invite });
    if (outcome.ok) this.status = this.t('invite.cancelled');
  }

  #startGroupInvite(group: Group): void {
    this.group = group;
    this.ready = null;
    this.invalid = [];
    void this.focusAfterRender('input[name="relationship"]');
  }

  #again(): void {
    this.ready = null;
    this.group = null;
    void this.focusAfterRender('input[name="relationship"]');
  }

  protected override renderContent(snapshot: SessionSnapshot): TemplateResult {
    const { status, state: learner } = snapshot;
    if (status === 'signed-out') {
      const enroll = this.ctx.config?.['enroll-url'];
      return html`<h2>${this.t('invite.title')}</h2>
        <p>${this.t('invite.signed-out')}</p>
        ${enroll ? html`<a part="button" class="button" href=${enroll}>${this.t('common.enroll')}</a>` : nothing}`;
    }
    if (!learner) return html`<div class="placeholder"><p class="muted">${this.t('common.loading')}</p></div>`;
    return html`<h2>${this.t('invite.title')}</h2>
      ${this.ready ? this.#renderReady(this.ready) : this.#renderForm(learner)} ${this.#renderInvites(learner)}
      ${this.#renderGroups(learner)}`;
  }

  #renderForm(learner: LearnerState): TemplateResult {
    const group = this.group;
    const fieldset = (field: Field, legend: MessageId, type: string, codes: readonly string[], prefix: 'relationship' | 'object' | 'modality') => {
      const invalid = this.invalid.includes(field);
      return html`<fieldset ?data-invalid=${invalid} aria-describedby=${invalid ? `${field}-error` : nothing}>
        <legend>${this.t(legend)}</legend>
        ${codes.map(
          (code) =>
            html`<label class="choice"><input type=${type} name=${field} value=${code} />${this.t(`${prefix}.${code}` as MessageId)}</label>`,
        )}
        ${invalid ? html`<p id="${field}-error" class="error">${this.t(NEED[field])}</p>` : nothing}
      </fieldset>`;
    };
    return html`<form part="form" novalidate @submit=${this.#submit}>
      ${group ? html`<p>${this.t('invite.group', { names: this.#others(group, learner) })}</p>` : nothing}
      ${fieldset('relationship', 'invite.who', 'radio', PCHM_RELATIONSHIPS, 'relationship')}
      ${group
        ? html`<dl>
            <dt>${this.t('common.what')}</dt><dd>${this.labels('object', group.objects)}</dd>
            <dt>${this.t('common.how')}</dt><dd>${this.labels('modality', group.modalities)}</dd>
          </dl>`
        : html`${fieldset('objects', 'invite.what', 'checkbox', learner.settings.objects, 'object')}
          ${fieldset('modalities', 'invite.how', 'checkbox', learner.settings.modalities, 'modality')}`}
      <button part="button" type="submit" ?disabled=${this.busy}>${this.t('invite.create')}</button>
    </form>`;
  }

  #renderReady({ invite, url }: { invite: string; url: string }): TemplateResult {
    const mail = this.#mail(url);
    return html`<p>${this.t('invite.ready')}</p>
      <label for="link">${this.t('invite.link')}</label>
      <input id="link" part="link" type="url" readonly .value=${url} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} />
      <div class="actions">
        <button part="button" @click=${() => this.#copy(invite, url)}>${this.t('invite.copy')}</button>
        ${'share' in navigator
          ? html`<button part="button" @click=${() => this.#share(invite, url)}>${this.t('invite.share')}</button>`
          : nothing}
        <a
          part="button"
          class="button"
          href="mailto:?subject=${encodeURIComponent(mail.subject)}&body=${encodeURIComponent(mail.body)}"
          @click=${() => this.track({ type: 'invite.link-shared', invite, channel: 'email' })}
          >${this.t('invite.email')}</a
        >
        <button part="button" class="secondary" @click=${this.#again}>${this.t('invite.again')}</button>
      </div>`;
  }

  #renderInvites(learner: LearnerState): TemplateResult | typeof nothing {
    if (learner.invites.length === 0) return nothing;
    return html`<h3>${this.t('invite.list')}</h3>
      <ul class="list">
        ${learner.invites.map((invite) => {
          const pending = this.isPending('invite.cancel', (c) => c.type === 'invite.cancel' && c.invite === invite.id);
          return html`<li part="invite">
            <p>
              <strong>${this.t(`relationship.${invite.relationship}`)}</strong> · ${this.labels('object', invite.objects)} ·
              ${this.labels('modality', invite.modalities)}
            </p>
            <p class="muted">
              ${this.t(`status.${invite.status}`, { name: invite.answeredBy ?? '' })}${pending ? ` · ${this.t('common.pending')}` : ''}
            </p>
            ${invite.status === 'pending' && !pending ? this.#renderCancel(invite) : nothing}
          </li>`;
        })}
      </ul>`;
  }

  #renderCancel(invite: OwnInvite): TemplateResult {
    if (this.confirming === invite.id) {
      return html`<div role="group" aria-labelledby="confirm-${invite.id}">
        <p id="confirm-${invite.id}">${this.t('invite.confirm-cancel')}</p>
        <div class="actions">
          <button part="button" data-confirm @click=${() => this.#cancel(invite.id)}>${this.t('common.yes')}</button>
          <button part="button" class="secondary" @click=${() => (this.confirming = null)}>${this.t('common.no')}</button>
        </div>
      </div>`;
    }
    return html`<div class="actions">
      <button part="button" class="secondary" @click=${() => this.#copy(invite.id, this.#link(invite.code))}>${this.t('invite.copy')}</button>
      <button
        part="button"
        class="secondary"
        ?disabled=${this.busy}
        @click=${() => {
          this.confirming = invite.id;
          void this.focusAfterRender('[data-confirm]');
        }}
      >
        ${this.t('invite.cancel')}
      </button>
    </div>`;
  }

  #renderGroups(learner: LearnerState): TemplateResult | typeof nothing {
    const open = learner.groups.filter((g) => groupHasRoom({ members: g.members.map((m) => m.id), size: g.size }));
    if (open.length === 0) return nothing;
    return html`<ul class="list">
      ${open.map(
        (group) => html`<li part="group">
          <p>${this.t('invite.group', { names: this.#others(group, learner) })}</p>
          <button part="button" class="secondary" @click=${() => this.#startGroupInvite(group)}>${this.t('invite.to-group')}</button>
        </li>`,
      )}
    </ul>`;
  }

  #others(group: Group, learner: LearnerState): string {
    return group.members
      .filter((m) => m.id !== learner.learner.id)
      .map((m) => m.name)
      .join(', ');
  }
}

define('tandem-invite', TandemInvite);

declare global {
  interface HTMLElementTagNameMap {
    'tandem-invite': TandemInvite;
  }
}
