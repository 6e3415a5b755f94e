import { css } from 'lit';

/**
 * Styles every Tandem element shares. Each colour, the font, the radius and
 * the spacing come from a `--tandem-*` custom property with a fallback, so a
 * course page can theme the widget without reaching into shadow roots.
 * Controls are at least 44px high so they are easy to hit on a phone.
 */
export const baseStyles = css`
  :host {
    display: block;
    font: var(--tandem-font, inherit);
    color: var(--tandem-color, inherit);
    --_accent: var(--tandem-accent, #1a5fb4);
    --_space: var(--tandem-spacing, 1rem);
    --_radius: var(--tandem-radius, 0.5rem);
  }
  :host([hidden]) {
    display: none;
  }
  * {
    box-sizing: border-box;
  }
  .card {
    background: var(--tandem-surface, #fff);
    border: 1px solid var(--tandem-border-color, #c4c7cc);
    border-radius: var(--_radius);
    padding: var(--_space);
    max-width: 100%;
  }
  h2,
  h3 {
    font-size: 1.125em;
    margin: 0 0 0.5em;
  }
  h3 {
    font-size: 1em;
  }
  p {
    margin: 0 0 0.5em;
  }
  button,
  .button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    min-height: 44px;
    min-width: 44px;
    padding: 0.5em 1em;
    border: 2px solid var(--_accent);
    border-radius: var(--_radius);
    background: var(--_accent);
    color: var(--tandem-on-accent, #fff);
    font: inherit;
    text-decoration: none;
    cursor: pointer;
  }
  .secondary {
    background: transparent;
    color: var(--_accent);
  }
  button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  :focus-visible {
    outline: 3px solid var(--tandem-focus-color, #e66100);
    outline-offset: 2px;
  }
  fieldset {
    border: 0;
    padding: 0;
    margin: 0 0 var(--_space);
    min-width: 0;
  }
  legend {
    font-weight: 600;
    padding: 0;
    margin-bottom: 0.25em;
  }
  .choice {
    display: flex;
    align-items: center;
    gap: 0.5em;
    min-height: 44px;
  }
  .choice input {
    width: 1.25em;
    height: 1.25em;
    margin: 0;
    accent-color: var(--_accent);
  }
  input[type='text'],
  input[type='url'],
  textarea {
    width: 100%;
    min-height: 44px;
    padding: 0.5em;
    font: inherit;
    border: 1px solid var(--tandem-border-color, #767676);
    border-radius: var(--_radius);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
    margin: 0.5em 0;
  }
  .list {
    list-style: none;
    padding: 0;
    margin: 0 0 var(--_space);
  }
  .list > li {
    border-top: 1px solid var(--tandem-border-color, #c4c7cc);
    padding: 0.5em 0;
  }
  dl {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 0.25em 1em;
    margin: 0 0 0.5em;
  }
  dt {
    font-weight: 600;
  }
  dd {
    margin: 0;
  }
  .muted {
    color: var(--tandem-muted-color, #555);
  }
  .error {
    color: var(--tandem-error-color, #b3261e);
  }
  .banner {
    padding: 0.5em;
    border-radius: var(--_radius);
    background: var(--tandem-notice-surface, #fff3cd);
    color: var(--tandem-notice-color, #3d2e00);
  }
  /* Status lines keep their height when empty, so messages never push the page around. */
  .line {
    min-height: 1.5em;
    margin: 0.25em 0 0;
  }
  .placeholder {
    min-height: 10em;
  }
  .note {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
`;
