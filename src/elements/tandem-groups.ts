import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import type { Group, LearnerState } from '../protocol/api.js';
import { ContactNote } from '../protocol/codes.js';
import type { SessionSnapshot } from '../transport/session-types.js';
import { define } from './define.js';
import { TandemElement } from './tandem-element.js';

const NOTE_MAX = 200;

/**
 * Shows the learner's study groups: each member's name, relationship and
 * contact note, what the group does and how; lets the learner edit their own
 * contact note (seen only by the group) and leave a group. Names and notes
 * are always shown as text.
 *
 * @fires tandem-group-left - The endpoint removed the learner from a group (detail: the event).
 * @fires tandem-group-dissolved - Leaving left one member, so the group ended.
 * @fires tandem-error - A command failed (detail: `{code, message}`).
 * @csspart panel - The element's box.
 * @csspart group - One group.
 * @csspart member - One member of a group.
 * @csspart note - A member's contact note.
 * @csspart form - The contact-note form.
 * @csspart button - Every button and button-like link.
 * @csspart banner - The offline notice.
 * @csspart notice - The "saved on this device only" notice.
 * @csspart status - The polite status line.
 * @csspart error - The error line and the configuration error.
 * @cssprop --tandem-accent - Buttons (default: #1a5fb4).
 * @cssprop --tandem-muted-color - Secondary text (default: #555).
 * @cssprop --tandem-focus-color - Keyboard focus outline (default: #e66100).
 * @cssprop --tandem-radius - Corner radius (default: 0.5rem).
 * @cssprop --tandem-spacing - Inner spacing (default: 1rem).
 */
export class TandemGroups extends TandemElement {
  /** Notes being edited, by group id, until saved. */
  @state() private drafts: Record<string, string> = {};
  /** The group whose leaving waits for confirmation. */
  @state() private confirming: string | null = null;

  async #save(event: SubmitEvent, group: string): Promise<void> {
    event.preventDefault();
    const note = ContactNote.safeParse(this.drafts[group] ?? '');
    if (!note.success) return;
    const outcome = await this.run({ type: 'group.set-note', group, note: note.data });
    if (outcome.ok) {
      const { [group]: _saved, ...rest } = this.drafts;
      this.drafts = rest;
      this.status = this.t('groups.saved');
    }
  }

  async #leave(group: string): Promise<void> {
    this.confirming = null;
    const outcome = await this.run({ type: 'group.leave', group });
    if (outcome.ok) this.status = this.t('groups.left');
  }

  protected override renderContent(snapshot: SessionSnapshot): TemplateResult {
    const learner = snapshot.state;
    const title = html`<h2>${this.t('groups.title')}</h2>`;
    if (snapshot.status === 'signed-out') {
      const enroll = this.ctx.config?.['enroll-url'];
      return html`${title}
        <p>${this.t('groups.signed-out')}</p>
        ${enroll ? html`<a part="button" class="button" href=${enroll}>${this.t('common.enroll')}</a>` : nothing}`;
    }
    if (!learner) return html`<div class="placeholder"><p class="muted">${this.t('common.loading')}</p></div>`;
    if (learner.groups.length === 0) return html`${title}<p>${this.t('groups.empty')}</p>`;
    return html`${title}${learner.groups.map((group) => this.#renderGroup(group, learner))}`;
  }

  #renderGroup(group: Group, learner: LearnerState): TemplateResult {
    const me = learner.learner.id;
    const own = group.members.find((m) => m.id === me);
    const draft = this.drafts[group.id] ?? own?.note ?? '';
    const heading = `group-${group.id}`;
    const pending = (type: 'group.set-note' | 'group.leave') =>
      this.isPending(type, (c) => 'group' in c && c.group === group.id);
    return html`<article part="group" aria-labelledby=${heading}>
      <h3 id=${heading}>${this.t('groups.group', { count: group.members.length })}</h3>
      <dl>
        <dt>${this.t('common.what')}</dt>
        <dd>${this.labels('object', group.objects)}</dd>
        <dt>${this.t('common.how')}</dt>
        <dd>${this.labels('modality', group.modalities)}</dd>
      </dl>
      <ul class="list">
        ${group.members.map(
          (member) => html`<li part="member">
            <strong>${member.id === me ? this.t('groups.you', { name: member.name }) : member.name}</strong> ·
            ${this.t(`relationship.${member.relationship}`)}
            ${member.note ? html`<p part="note" class="note">${member.note}</p>` : nothing}
          </li>`,
        )}
      </ul>
      ${own
        ? html`<form part="form" @submit=${(e: SubmitEvent) => this.#save(e, group.id)}>
            <label for="note-${group.id}">${this.t('groups.note')}</label>
            <textarea
              id="note-${group.id}"
              maxlength=${NOTE_MAX}
              rows="2"
              aria-describedby="count-${group.id}"
              .value=${draft}
              @input=${(e: Event) => (this.drafts = { ...this.drafts, [group.id]: (e.target as HTMLTextAreaElement).value })}
            ></textarea>
            <p id="count-${group.id}" class="muted line">${this.t('groups.count', { count: draft.length })}</p>
            <div class="actions">
              <button part="button" type="submit" ?disabled=${this.busy}>${this.t('groups.save')}</button>
              ${this.#renderLeave(group.id)}
            </div>
            ${pending('group.set-note') ? html`<p class="muted">${this.t('common.pending')}: ${this.t('groups.save')}</p>` : nothing}
            ${pending('group.leave') ? html`<p class="muted">${this.t('common.pending')}: ${this.t('groups.leave')}</p>` : nothing}
          </form>`
        : nothing}
    </article>`;
  }

  #renderLeave(group: string): TemplateResult {
    if (this.confirming !== group) {
      return html`<button
        part="button"
        type="button"
        class="secondary"
        ?disabled=${this.busy}
        @click=${() => {
          this.confirming = group;
          void this.focusAfterRender('[data-confirm]');
        }}
      >
        ${this.t('groups.leave')}
      </button>`;
    }
    return html`<div role="group" aria-labelledby="confirm-${group}">
      <p id="confirm-${group}">${this.t('groups.confirm-leave')}</p>
      <div class="actions">
        <button part="button" type="button" data-confirm @click=${() => this.#leave(group)}>${this.t('common.yes')}</button>
        <button part="button" type="button" class="secondary" @click=${() => (this.confirming = null)}>${this.t('common.no')}</button>
      </div>
    </div>`;
  }
}

define('tandem-groups', TandemGroups);

declare global {
  interface HTMLElementTagNameMap {
    'tandem-groups': TandemGroups;
  }
}
