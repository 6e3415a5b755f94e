import { CONFIG_ATTRIBUTES } from '../protocol/config-attributes.js';
import { define } from './define.js';
import { CONFIG_CHANGE } from './events.js';

/**
 * Holds the page's Tandem configuration in its attributes and renders
 * nothing. Any `<tandem-*>` element may override an attribute with its own.
 * It tells the elements on the page to re-read it whenever it is added,
 * changed or removed, so its place in the page and the order of loading do
 * not matter.
 *
 * @tagname tandem-config
 * @attr endpoint - The endpoint's base URL (absolute, or relative to the page).
 * @attr course - The course id.
 * @attr course-title - The course's name as learners know it.
 * @attr token-url - Where the widget fetches the signed-in learner's token.
 * @attr token - The learner's token, when the page has it.
 * @attr enroll-url - Where visitors sign in or enroll.
 * @attr lang - The language of the widget (`en`, `fr`); else the page's.
 * @attr messages - JSON object overriding messages: `{"id": "text"}` or `{"fr": {"id": "text"}}`.
 * @fires tandem-config-change - On `document`, when it is added, changed or removed.
 */
export class TandemConfigElement extends HTMLElement {
  static observedAttributes = CONFIG_ATTRIBUTES;

  connectedCallback(): void {
    this.hidden = true;
    this.attributeChangedCallback();
  }

  disconnectedCallback(): void {
    this.attributeChangedCallback();
  }

  // Coming, going and changing are the same news for the elements: re-read the configuration.
  attributeChangedCallback(): void {
    document.dispatchEvent(new Event(CONFIG_CHANGE));
  }
}

define('tandem-config', TandemConfigElement);

declare global {
  interface HTMLElementTagNameMap {
    'tandem-config': TandemConfigElement;
  }
}
