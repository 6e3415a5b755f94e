import type { TandemConfig } from '../protocol/config.js';
import type { Catalogue, MessageId } from './en.js';

export type Locale = 'en' | 'fr';
export type Messages = Readonly<Record<string, string>>;
export type Params = Readonly<Record<string, string | number>>;

/**
 * The element's `lang` configuration, else the page's (the course page says
 * what language it is in; the browser's language would disagree with the
 * page around the widget): any tag starting with fr (fr, fr-CA, fra…) gives
 * French, everything else English.
 */
export function resolveLocale(elementLang?: string | null, documentLang?: string | null): Locale {
  return /^fr/i.test(elementLang || documentLang || '') ? 'fr' : 'en';
}

/** The message `id` with `{name}` placeholders filled; an unknown id shows as itself, never as nothing. */
export function format(messages: Messages, id: string, params: Params = {}): string {
  return (messages[id] ?? id).replace(/\{(\w+)\}/g, (whole, key: string) => String(params[key] ?? whole));
}

/**
 * The message id for error `code`: its own when the catalogue has one, else
 * `error.internal`. Codes a learner can neither cause nor act on differently
 * (a malformed request, a refused origin, a set-aside event…) share the
 * generic message rather than each carrying an entry in every language; a
 * course may still give any of them its own message by its id.
 */
export function errorId(messages: Messages, code: string): string {
  const id = 'error.' + code;
  return id in messages ? id : 'error.internal';
}

/**
 * A catalogue with the course's overrides on top: flat `{id: text}` entries
 * apply to every language, `{fr: {id: text}}` entries to that language only
 * and win over flat ones.
 */
export function withOverrides(base: Catalogue, overrides: TandemConfig['messages'] = {}, locale: Locale): Messages {
  const out: Record<string, string> = { ...base };
  for (const [key, value] of Object.entries(overrides)) if (typeof value == 'string') out[key] = value;
  const own = overrides[locale];
  return Object.assign(out, typeof own == 'object' && own);
}

// Both catalogues are chunks of their own: a page downloads only its language's,
// and the script-tag file carries none (the download budget counts a French page).
const loaded: Partial<Record<Locale, Catalogue>> = {};

/**
 * The catalogue itself once it has arrived (so a page that has it renders
 * text in its first update), else a promise of it; loaded once per page.
 */
export function loadCatalogue(locale: Locale): Catalogue | Promise<Catalogue> {
  return (
    loaded[locale] ??
    (locale == 'fr' ? import('./fr.js').then((m) => m.fr) : import('./en.js').then((m) => m.en)).then((c) => (loaded[locale] = c))
  );
}

export type { Catalogue, MessageId };
