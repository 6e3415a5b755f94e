import type { TandemConfig } from '../protocol/config.js';
import type { Catalogue, MessageId } from './en.js';

export type Locale = 'en' | 'fr';
export type Messages = Readonly<Record<string, string>>;
export type Params = Readonly<Record<string, string | number>>;

/**
 * The element's `lang` configuration, else the page's, else the browser's:
 * any tag starting with fr (fr, fr-CA, fra…) gives French, everything else English.
 */
export function resolveLocale(elementLang?: string | null, documentLang?: string | null, navigatorLang?: string | null): Locale {
  const tag = elementLang || documentLang || navigatorLang || '';
  return /^fr/i.test(tag) ? 'fr' : 'en';
}

/** The message `id` with `{name}` placeholders filled; an unknown id shows as itself, never as nothing. */
export function format(messages: Messages, id: string, params?: Params): string {
  return (messages[id] ?? id).replace(/\{(\w+)\}/g, (whole, key: string) => (params && key in params ? String(params[key]) : whole));
}

/**
 * A catalogue with the course's overrides on top: flat `{id: text}` entries
 * apply to every language, `{fr: {id: text}}` entries to that language only
 * and win over flat ones.
 */
export function withOverrides(base: Catalogue, overrides: TandemConfig['messages'], locale: Locale): Messages {
  const out: Record<string, string> = { ...base };
  const perLocale: Record<string, string> = {};
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (typeof value === 'string') out[key] = value;
    else if (key === locale) Object.assign(perLocale, value);
  }
  return Object.assign(out, perLocale);
}

// Both catalogues are chunks of their own: a page downloads only its language's,
// and the script-tag file carries none (the download budget counts a French page).
const loaded: Partial<Record<Locale, Catalogue>> = {};

/** The catalogue if it has already arrived, else undefined. */
export function loadedCatalogue(locale: Locale): Catalogue | undefined {
  return loaded[locale];
}

/** Loads a catalogue once; later calls answer from memory. */
export async function loadCatalogue(locale: Locale): Promise<Catalogue> {
  return (loaded[locale] ??= locale === 'fr' ? (await import('./fr.js')).fr : (await import('./en.js')).en);
}

export type { Catalogue, MessageId };
