import { html, type PropertyDeclarations, nothing, type TemplateResult } from 'lit';
import { PCHM_RELATIONSHIPS } from '../core/typology.js';
import { buildInviteLink } from '../core/invite-code.js';
import { groupHasRoom } from '../core/group-rules.js';
import type { Command, Group, LearnerState } from '../protocol/api.js';
import type { SessionSnapshot } from '../transport/session-types.js';
import type { MessageId } from '../i18n/translate.js';
import { define } from './define.js';
import { TandemElement } from './tandem-element.js';

/** The form's fields: name, the word in its legend's message id (`invite.who`), the prefix of its labels. */
const FIELDS = [
  ['relationship', 'who', 'relationship'],
  ['objects', 'what', 'object'],
  ['modalities', 'how', 'modality'],
] as const;
type Field = (typeof FIELDS)[number][0];

/** The course page's own URL carrying `code` (any invite it was opened with is replaced). */
const inviteLink = (code: string): string => buildInviteLink(location.href, code);

/**
 * Lets a signed-in learner invite someone they know (family, friend,
 * colleague, classmate), say what they will do together and how, and share
 * the link; lists their invites with their status, to cancel one; and offers
 * to invite more people into a group that has room. Configured by
 * `<tandem-config>` or by the same attributes on the element itself.
 *
 * @tagname tandem-invite
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
 * @cssprop --tandem-border-color - Borders (default: #c4c7cc; fields #767676).
 * @cssprop --tandem-radius - Corner radius (default: 0.5rem).
 * @cssprop --tandem-spacing - Inner spacing (default: 1rem).
 * @cssprop --tandem-focus-color - Keyboard focus outline (default: #e66100).
 * @cssprop --tandem-muted-color - Secondary text (default: #555).
 * @cssprop --tandem-error-color - Error text (default: #b3261e).
 * @cssprop --tandem-notice-surface - Background of the offline notice (default: #fff3cd).
 * @cssprop --tandem-notice-color - Text of the offline notice (default: #3d2e00).
 */
export class TandemInvite extends TandemElement {
  static override properties: PropertyDeclarations = { invalid: { state: true }, group: { state: true }, made: { state: true } };

  /** Fields left empty at the last submit. */
  private invalid?: Field[];
  /** The group being invited into, if any (else a new tandem). */
  private group?: Group | null;
  /** The invite link just made. */
  private made?: { invite: string; url: string } | null;

  async #submit(event: SubmitEvent): Promise<void> {
    const { t } = this;
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const group = this.group;
    // Inviting into a group: what and how are the group's.
    const chosen = FIELDS.map(([field]) => (group && field != 'relationship' ? group[field] : data.getAll(field)) as string[]);
    this.invalid = FIELDS.filter((_, i) => !chosen[i]!.length).map(([field]) => field);
    if (this.invalid.length) return void this.focusAfterRender('[data-invalid] input');
    const [[relationship], objects, modalities] = chosen as [string[], string[], string[]];
    // The session validates the command against the protocol before anything is sent.
    const outcome = await this.run({ type: 'invite.create', relationship, objects, modalities, ...(group && { group: group.id }) } as Command);
    if (outcome.ok && outcome.result.code) {
      this.made = { invite: outcome.result.invite!, url: inviteLink(outcome.result.code) };
      this.group = null;
      this.status = t('invite.ready');
      void this.focusAfterRender('#link');
    }
  }

  async #copy(invite: string, url: string): Promise<void> {
    const { t } = this;
    try {
      await navigator.clipboard.writeText(url);
      this.status = t('invite.copied');
      await this.track({ type: 'invite.link-shared', invite, channel: 'copy' });
    } catch {
      this.status = t('invite.copy-failed');
      this.renderRoot.querySelector<HTMLInputElement>('#link')?.select();
    }
  }

  /** Back to the form, for a new tandem or (with `group`) to invite into that group. */
  #start(group: Group | null): void {
    this.group = group;
    this.made = null;
    this.invalid = [];
    void this.focusAfterRender('form input');
  }

  protected override content(snapshot: SessionSnapshot): TemplateResult {
    return html`<h2>${this.t('invite.title')}</h2>${this.gate(snapshot, 'invite.signed-out') ?? this.#main(snapshot.state!)}`;
  }

  #main(learner: LearnerState): TemplateResult {
    const { t } = this;
    const others = (group: Group): string =>
      group.members
        .filter((m) => m.id != learner.learner.id)
        .map((m) => m.name)
        .join(', ');
    const open = learner.groups.filter((g) => groupHasRoom({ members: g.members.map((m) => m.id), size: g.size }));
    return html`${this.made ? this.#ready(this.made) : this.#form(learner, others)}${
      learner.invites.length
        ? html`<h3>${t('invite.list')}</h3><ul>${learner.invites.map((invite) => {
            const waiting = this.pending('invite.cancel', invite.id);
            return html`<li part=invite><p><strong>${t(`relationship.${invite.relationship}`)}</strong></p>${this.whatHow(invite)}<p class=muted>${t(
              `status.${invite.status}`,
              { name: invite.answeredBy ?? '' },
            )}${waiting ? ` · ${t('common.pending')}` : ''}</p>${
              invite.status == 'pending' && !waiting
                ? html`<div class=row><button part=button class=alt @click=${() => this.#copy(invite.id, inviteLink(invite.code))}>${t(
                    'invite.copy',
                  )}</button>${this.confirmable(invite.id, 'invite.cancel', 'invite.confirm-cancel', async () => {
                    // "This invite was cancelled": the words an invitee meets, said to the inviter as done.
                    if ((await this.run({ type: 'invite.cancel', invite: invite.id })).ok) this.status = t('error.invite_cancelled');
                  })}</div>`
                : ''
            }</li>`;
          })}</ul>`
        : ''
    }${
      open.length
        ? html`<ul>${open.map(
            (group) =>
              html`<li part=group><p>${t('invite.group', { names: others(group) })}</p><button part=button class=alt @click=${() => this.#start(group)}>${t(
                'invite.to-group',
              )}</button></li>`,
          )}</ul>`
        : ''
    }`;
  }

  #form(learner: LearnerState, others: (group: Group) => string): TemplateResult {
    const { t } = this;
    const group = this.group;
    const choices = (index: number, codes: readonly string[]): TemplateResult => {
      const [field, word, prefix] = FIELDS[index]!;
      const invalid = this.invalid?.includes(field);
      return html`<fieldset ?data-invalid=${invalid} aria-describedby=${invalid ? `${field}-error` : nothing}><legend>${t(`invite.${word}`)}</legend>${codes.map(
        (code) =>
          html`<label><input type=${index ? 'checkbox' : 'radio'} name=${field} value=${code} />${t(`${prefix}.${code}` as MessageId)}</label>`,
      )}${invalid ? html`<p id="${field}-error" class=error>${t('invite.need')}</p>` : ''}</fieldset>`;
    };
    return html`<form part=form novalidate @submit=${this.#submit}>${group ? html`<p>${t('invite.group', { names: others(group) })}</p>` : ''}${choices(
      0,
      PCHM_RELATIONSHIPS,
    )}${group ? this.whatHow(group) : html`${choices(1, learner.settings.objects)}${choices(2, learner.settings.modalities)}`}<button part=button ?disabled=${
      this.busy
    }>${t('invite.create')}</button></form>`;
  }

  #ready({ invite, url }: { invite: string; url: string }): TemplateResult {
    const { t } = this;
    const course = this.config!['course-title'] ?? this.config!.course;
    const subject = t('invite.mail-subject', { course });
    const shared = (channel: 'share' | 'email') => () => this.track({ type: 'invite.link-shared', invite, channel });
    return html`<label for=link>${t('invite.link')}</label><input id=link part=link type=url readonly .value=${url} @focus=${(
      e: Event,
    ) => (e.target as HTMLInputElement).select()} /><div class=row><button part=button @click=${() => this.#copy(invite, url)}>${t('invite.copy')}</button>${
      'share' in navigator
        ? // Closing the share sheet rejects too: nothing was shared, nothing to say.
          html`<button part=button @click=${() => navigator.share({ title: subject, url }).then(shared('share'), () => {})}>${t('invite.share')}</button>`
        : ''
    }<a part=button href="mailto:?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(
      // The body says what the subject says, then the link: as a share sheet gives title and URL.
      `${subject}\n${url}`,
    )}" @click=${shared('email')}>${t('invite.email')}</a><button part=button class=alt @click=${() => this.#start(null)}>${t(
      'invite.again',
    )}</button></div>`;
  }
}

define('tandem-invite', TandemInvite);

declare global {
  interface HTMLElementTagNameMap {
    'tandem-invite': TandemInvite;
  }
}
