import { html, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { Group } from '../protocol/api.js';
import type { SessionSnapshot } from '../transport/session-types.js';
import { define } from './define.js';
import { TandemElement } from './tandem-element.js';

/**
 * Shows the learner's study groups: each member's name, relationship and
 * contact note, what the group does and how; lets the learner edit their own
 * contact note (seen only by the group) and leave a group. Names and notes
 * are always shown as text. Above them, requests from learners met in the
 * course to answer (see `<tandem-requests>`).
 *
 * @tagname tandem-groups
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
  static override properties: PropertyDeclarations = { drafts: { state: true } };

  /** Notes being edited, by group id, until saved. */
  private drafts: Record<string, string> = {};

  protected override content(snapshot: SessionSnapshot): TemplateResult {
    const { t } = this;
    const groups = snapshot.state?.groups;
    // Requests to answer are part 2: <tandem-requests> stays an empty, undefined tag until its chunk is here, which
    // this fetches once the state counts some (a page with <tandem-peers> or <tandem-ask> has it anyway).
    if (snapshot.state?.incomingRequests) import('./part2.js');
    return html`<h2>${t('groups.title')}</h2><tandem-requests></tandem-requests>${
      this.gate(snapshot, 'groups.signed-out') ??
      (groups!.length ? groups!.map((group) => this.#group(group, snapshot.state!.learner.id)) : html`<p>${t('groups.empty')}</p>`)
    }`;
  }

  #group(group: Group, me: string): TemplateResult {
    const { t } = this;
    const id = group.id;
    const own = group.members.find((m) => m.id == me);
    const draft = this.drafts[id] ?? own?.note ?? '';
    return html`<article part=group aria-labelledby="g-${id}"><h3 id="g-${id}">${t('groups.group', { count: group.members.length })}</h3>${this.whatHow(
      group,
    )}<ul>${group.members.map(
      (member) =>
        html`<li part=member><strong>${member.id == me ? t('groups.you', { name: member.name }) : member.name}</strong> · ${t(
          `relationship.${member.relationship}`,
        )} ${member.note ? html`<p part=note>${member.note}</p>` : ''}</li>`,
    )}</ul>${
      own
        ? html`<form part=form @submit=${async (event: SubmitEvent) => {
            event.preventDefault();
            // The note's length is held by maxlength here and checked by the session's schema before sending.
            if ((await this.run({ type: 'group.set-note', group: id, note: draft })).ok) {
              delete this.drafts[id];
              this.status = t('groups.saved');
            }
          }}><label for="n-${id}">${t('groups.note')}</label><textarea id="n-${id}" maxlength=200 rows=2 aria-describedby="c-${id}" .value=${draft} @input=${(
            event: Event,
          ) => (this.drafts = { ...this.drafts, [id]: (event.target as HTMLTextAreaElement).value })}></textarea><p id="c-${id}" class=muted>${t('groups.count', {
            count: draft.length,
          })}</p><div class=row><button part=button ?disabled=${this.busy}>${t('groups.save')}</button>${this.confirmable(
            id,
            'groups.leave',
            'groups.confirm-leave',
            async () => {
              if ((await this.run({ type: 'group.leave', group: id })).ok) this.status = t('groups.left');
            },
          )}</div>${(['group.set-note', 'group.leave'] as const).map((type) =>
            this.pending(type, id) ? html`<p class=muted>${t('common.pending')}: ${t(type == 'group.leave' ? 'groups.leave' : 'groups.save')}</p>` : '',
          )}</form>`
        : ''
    }</article>`;
  }
}

define('tandem-groups', TandemGroups);

declare global {
  interface HTMLElementTagNameMap {
    'tandem-groups': TandemGroups;
  }
}
