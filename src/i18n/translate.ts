import type { TandemConfig } from '../protocol/config.js';
import { MESSAGE_IDS, type Catalogue, type MessageId } from './message-ids.js';

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
export function format(messages: Messages, id: string, params?: Params): string {
  return (messages[id] ?? id).replace(/\{(\w+)\}/g, (whole, key: string) => String(params?.[key] ?? whole));
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
export function withOverrides(base: Messages, overrides: TandemConfig['messages'] = {}, locale: Locale): Messages {
  const out: Record<string, string> = { ...base };
  for (const [key, value] of Object.entries(overrides)) if (typeof value == 'string') out[key] = value;
  const own = overrides[locale];
  return Object.assign(out, typeof own == 'object' && own);
}

// Both catalogues are chunks of their own: a page downloads only its language's,
// and the script-tag file carries none (the download budget counts a French page).
const loaded: Partial<Record<Locale, Messages>> = {};

/**
 * The language's messages by id once they have arrived (so a page that has
 * them renders text in its first update), else a promise of them; loaded once
 * per page.
 */
export function loadCatalogue(locale: Locale): Messages | Promise<Messages> {
  return (
    loaded[locale] ??
    // Both chunks export their texts under one name, so one callback reads either.
    (locale == 'fr' ? import('./fr.js') : import('./en.js')).then(
      ({ texts }: { texts: Catalogue }) => (loaded[locale] = Object.fromEntries(MESSAGE_IDS.map((id, i) => [id, texts[i]!]))),
    )
  );
}

export type { Catalogue, MessageId };
