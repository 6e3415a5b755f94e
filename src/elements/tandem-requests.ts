import { css, html, nothing, type TemplateResult } from 'lit';
import type { PeerRequest } from '../transport/discovery.js';
import type { TandemSessionApi } from '../transport/session-types.js';
import { define } from './define.js';
import { PeerElement } from './peer-element.js';
import { TandemElement } from './tandem-element.js';

/**
 * The requests other learners sent this learner (part 2): who, how they met,
 * why they fit, what and how (with the safety notice when it is in person),
 * and into which group; Accept (which forms or joins the group, then
 * refreshes the learner's state so the group shows with its members' contact
 * notes) or Decline. `<tandem-groups>` holds its tag, which stays undefined
 * and empty until part 2's chunk is here: the groups element fetches it once
 * the learner's state counts pending requests (a page with `<tandem-peers>` or
 * `<tandem-ask>` has it anyway). It takes the configuration attributes of that
 * element, and its session; renders nothing while there is nothing to answer
 * or to say. A request that arrives while the page is open shows at the next
 * state refresh, which counts it.
 *
 * @tagname tandem-requests
 * @fires tandem-request-accepted - And any other event the endpoint wrote for an answer (detail: the event).
 * @fires tandem-error - A call failed (detail: `{code, message}`).
 * @csspart panel - The section.
 * @csspart request - One request.
 * @csspart safety - The in-person safety notice (a request to meet in person).
 * @csspart button - Accept and Decline.
 * @csspart status - The polite status line.
 * @csspart error - The error line.
 */
export class TandemRequests extends PeerElement {
  // Inside the groups' box, which already says when the learner is offline or keeps data on this device only.
  static override styles = css`${PeerElement.styles}:host>*{border:0;padding:0}[part=banner],[part=notice]{display:none}`;
  #copying?: boolean;

  override connectedCallback(): void {
    // Rendered inside another Tandem element's shadow root, where no <tandem-config> is: that element's attributes
    // (the configuration ones, which every Tandem element observes) stand for it, and its session is this one's.
    const host = (this.getRootNode() as ShadowRoot).host as TandemRequests;
    if (host instanceof TandemElement) {
      // (A host without a session yet gives null: the same as none, the page's own is taken.)
      this.session ??= host.bound as TandemSessionApi | undefined;
      this.#copying = true;
      for (const name of TandemElement.observedAttributes) {
        const value = host.getAttribute(name);
        if (value != null && !this.hasAttribute(name)) this.setAttribute(name, value);
      }
      this.#copying = false;
    }
    super.connectedCallback();
  }

  // A configuration half copied is not one to read (it would log a missing course): reading waits for the whole.
  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (!this.#copying) super.attributeChangedCallback(name, old, value);
  }

  async #answer(request: PeerRequest, answer: 'accept' | 'decline'): Promise<void> {
    if (!(await this.answer(request, answer))) return;
    // The group formed (or grew): the learner's state brings it, with the members' contact notes.
    if (answer == 'accept') void this.bound!.refresh();
    this.status = this.t(answer == 'accept' ? 'requests.accepted' : 'requests.declined', { name: request.peer.name });
    void this.focusAfterRender('h3');
  }

  protected override content(): TemplateResult | typeof nothing {
    const { t } = this;
    const list = this.requests?.incoming.filter((r) => r.status == 'pending') ?? [];
    // Nothing to answer and nothing to say: no box at all.
    if (!list.length && !this.status && !this.error) return nothing;
    return html`<h3 tabindex=-1>${t('requests.title')}</h3>${list.map(
      (request, i) =>
        html`<article part=request aria-labelledby="q${i}"><h4 id="q${i}">${t('requests.from', { name: request.peer.name })}</h4><p>${t(
          `relationship.${request.relationship}`,
        )} · ${request.group ? t('requests.group', { members: request.members }) : t('requests.new')}</p>${this.whatHow(request)}${this.safety(request.modalities)}${this.reasons(
          request.reasons,
        )}<div class=row><button part=button aria-describedby="q${i}" ?disabled=${this.busy} @click=${() => this.#answer(request, 'accept')}>${t(
          'join.accept',
        )}</button><button part=button class=alt aria-describedby="q${i}" ?disabled=${this.busy} @click=${() => this.#answer(request, 'decline')}>${t(
          'join.decline',
        )}</button></div></article>`,
    )}`;
  }
}

define('tandem-requests', TandemRequests);

declare global {
  interface HTMLElementTagNameMap {
    'tandem-requests': TandemRequests;
  }
}
