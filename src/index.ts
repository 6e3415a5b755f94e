/**
 * The script-tag entry: loading it defines every Tandem element (each
 * definition is guarded, so loading it twice does not throw). npm users can
 * import the same classes and helpers from here.
 */
export { TandemConfigElement } from './elements/tandem-config.js';
export { TandemInvite } from './elements/tandem-invite.js';
export { TandemJoin } from './elements/tandem-join.js';
export { TandemGroups } from './elements/tandem-groups.js';
export { fire, CONFIG_CHANGE, type TandemErrorDetail } from './elements/events.js';
export { define } from './elements/define.js';
export { resolveLocale, format, type Locale, type MessageId } from './i18n/translate.js';
export { TandemConfig, CONFIG_ATTRIBUTES } from './protocol/config.js';
export type { TandemSessionApi, SessionSnapshot } from './transport/session-types.js';
