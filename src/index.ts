/**
 * The script-tag entry: loading it defines every Tandem element (each
 * definition is guarded, so loading it twice does not throw); part 2's
 * elements (`<tandem-peers>`, `<tandem-ask>`) once the page holds their tag. It exports
 * nothing, so the script-tag file carries no export only a bundler would use:
 * npm users import the classes and helpers from their own paths
 * (`tandem-widget/elements/tandem-invite`, `tandem-widget/protocol`…).
 */
import './elements/tandem-config.js';
import './elements/tandem-invite.js';
import './elements/tandem-join.js';
import './elements/tandem-groups.js';

// Part 2's elements are a chunk of their own, fetched once one of their tags is in the document: a page with
// part 1's elements only never downloads it. (`<tandem-groups>` fetches it itself, for requests to answer.) Once
// fetched, import() answers from the module map: looking on after that costs a selector match per DOM change.
const look = (): unknown => document.querySelector('tandem-peers,tandem-ask') && import('./elements/part2.js');
new MutationObserver(look).observe(document, { childList: true, subtree: true });
look();
// Types cost the script-tag file nothing.
export type { TandemErrorDetail } from './elements/events.js';
export type { Locale, MessageId } from './i18n/translate.js';
export type { TandemSessionApi, SessionSnapshot } from './transport/session-types.js';
