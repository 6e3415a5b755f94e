/**
 * The script-tag entry: loading it defines every Tandem element (each
 * definition is guarded, so loading it twice does not throw). It exports
 * nothing, so the script-tag file carries no export only a bundler would use:
 * npm users import the classes and helpers from their own paths
 * (`tandem-widget/elements/tandem-invite`, `tandem-widget/protocol`…).
 */
import './elements/tandem-config.js';
import './elements/tandem-invite.js';
import './elements/tandem-join.js';
import './elements/tandem-groups.js';
// Types cost the script-tag file nothing.
export type { TandemErrorDetail } from './elements/events.js';
export type { Locale, MessageId } from './i18n/translate.js';
export type { TandemSessionApi, SessionSnapshot } from './transport/session-types.js';
