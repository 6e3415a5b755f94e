/**
 * Defines a custom element unless the tag is already taken, so a page that
 * loads the script twice (or two copies of it) does not throw.
 */
export function define(tag: string, element: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, element);
}
