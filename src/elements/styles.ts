import { css } from 'lit';

/**
 * Styles every Tandem element shares. Each colour, the font, the radius and
 * the spacing come from a `--tandem-*` custom property with a fallback, so a
 * course page can theme the widget without reaching into shadow roots.
 * Controls are at least 44px high so they are easy to hit on a phone. The
 * element's one top-level box is the card; every link is a button-like link;
 * status lines keep their height when empty, so messages never move the page.
 * One line: the line breaks between rules would reach every page.
 */
export const styles = css`:host{display:block;font:var(--tandem-font,inherit);color:var(--tandem-color,inherit);--a:var(--tandem-accent,#1a5fb4);--r:var(--tandem-radius,.5rem);--b:1px solid var(--tandem-border-color,#c4c7cc)}:host([hidden]){display:none}*{box-sizing:border-box;font:inherit}:host>*{background:var(--tandem-surface,#fff);border:var(--b);border-radius:var(--r);padding:var(--tandem-spacing,1rem)}h2,h3,legend,dt,strong{font-weight:600}h2{font-size:1.15em}h2,h3,p,ul,dl,fieldset{margin:0 0 .5em}button,a{display:inline-grid;place-items:center;min-height:44px;min-width:44px;padding:0 1em;border:2px solid var(--a);border-radius:var(--r);background:var(--a);color:var(--tandem-on-accent,#fff);text-decoration:none}.alt{background:none;color:var(--a)}:disabled{opacity:.6}:focus-visible{outline:3px solid var(--tandem-focus-color,#e66100);outline-offset:2px}fieldset,ul{border:0;padding:0;min-width:0;list-style:none}label{display:flex;align-items:center;gap:.5em;min-height:44px}input{accent-color:var(--a)}#link,textarea{width:100%;min-height:44px;padding:.5em;border:1px solid var(--tandem-border-color,#767676);border-radius:var(--r)}.row{display:flex;flex-wrap:wrap;gap:.5em}li{border-top:var(--b);padding:.5em 0}dl{display:grid;grid-template-columns:auto 1fr;gap:0 1em}dd{margin:0}.muted{color:var(--tandem-muted-color,#555)}.error{color:var(--tandem-error-color,#b3261e)}[part=banner]{padding:.5em;background:var(--tandem-notice-surface,#fff3cd);color:var(--tandem-notice-color,#3d2e00)}[role=status],.error[role]{min-height:1.5em}.placeholder{min-height:10em}[part=note]{white-space:pre-wrap;overflow-wrap:anywhere}`;
