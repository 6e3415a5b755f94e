import { CONFIG_ATTRIBUTES, TandemConfig, type ConfigAttribute } from '../protocol/config.js';
import type { MessageId } from '../i18n/en.js';

export type RawConfig = Partial<Record<ConfigAttribute, string>>;

/** One attribute that is missing or does not hold what it should. */
export interface ConfigProblem {
  attribute: ConfigAttribute;
  kind: 'missing' | 'invalid';
}

export type ConfigResult =
  | { ok: true; config: TandemConfig }
  | { ok: false; problems: ConfigProblem[]; /** The raw `lang`, so the error itself can be translated. */ lang?: string };

/** What each attribute expects, as a message id (so the error names it in the page's language). */
export const EXPECTED: Record<ConfigAttribute, MessageId> = {
  endpoint: 'expect.url',
  course: 'expect.course',
  'course-title': 'expect.text',
  'token-url': 'expect.url',
  token: 'expect.token',
  'enroll-url': 'expect.url',
  lang: 'expect.lang',
  messages: 'expect.messages',
};

const URL_ATTRIBUTES: readonly ConfigAttribute[] = ['endpoint', 'token-url', 'enroll-url'];

/**
 * The attributes that configure `element`: those of the first
 * `<tandem-config>` (in the element's own tree first, then the document),
 * overlaid with the element's own. Empty attributes count as absent.
 */
export function readRawConfig(element: Element): RawConfig {
  const root = element.getRootNode() as Document | ShadowRoot;
  const shared = root.querySelector?.('tandem-config') ?? element.ownerDocument.querySelector('tandem-config');
  const raw: RawConfig = {};
  for (const source of [shared, element]) {
    for (const name of CONFIG_ATTRIBUTES) {
      const value = source?.getAttribute(name)?.trim();
      if (value) raw[name] = value;
    }
  }
  return raw;
}

/**
 * Parses raw attributes into a configuration. URLs written relative to the
 * page (`/api`, `./token`) are resolved against `baseURI`, because a static
 * page cannot compute absolute ones without inline script; anything else must
 * already be absolute, so that a typo does not silently become a path.
 */
export function parseConfig(raw: RawConfig, baseURI: string): ConfigResult {
  const input: Record<string, unknown> = { ...raw };
  const problems: ConfigProblem[] = [];
  for (const name of URL_ATTRIBUTES) {
    const value = raw[name];
    if (value && /^[./]/.test(value)) {
      try {
        input[name] = new URL(value, baseURI).href;
      } catch {
        // Left as written: the schema reports it as invalid.
      }
    }
  }
  if (raw.messages !== undefined) {
    try {
      input.messages = JSON.parse(raw.messages);
    } catch {
      delete input.messages;
      problems.push({ attribute: 'messages', kind: 'invalid' });
    }
  }
  const parsed = TandemConfig.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const attribute = issue.path[0] as ConfigAttribute;
      if (!CONFIG_ATTRIBUTES.includes(attribute) || problems.some((p) => p.attribute === attribute)) continue;
      problems.push({ attribute, kind: raw[attribute] === undefined ? 'missing' : 'invalid' });
    }
  }
  if (problems.length > 0 || !parsed.success) {
    return { ok: false, problems, ...(raw.lang ? { lang: raw.lang } : {}) };
  }
  return { ok: true, config: parsed.data };
}

/** Resolves the configuration `element` sees now. */
export function resolveConfig(element: Element): ConfigResult {
  return parseConfig(readRawConfig(element), element.ownerDocument.baseURI);
}
