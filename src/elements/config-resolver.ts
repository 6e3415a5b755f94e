import { TandemConfig } from '../protocol/config.js';
import type { ConfigAttribute } from '../protocol/config-attributes.js';
import type { RawConfig } from './config-reader.js';

/** One attribute that is missing or does not hold what it should. */
export interface ConfigProblem {
  attribute: ConfigAttribute;
  kind: 'missing' | 'invalid';
}

export type ConfigResult =
  | { ok: true; config: TandemConfig }
  | { ok: false; problems: ConfigProblem[]; /** The raw `lang`, so the error itself can be translated. */ lang?: string | undefined };

/**
 * Parses raw attributes into a configuration. URLs written relative to the
 * page (`/api`, `./token`) are resolved against `baseURI`, because a static
 * page cannot compute absolute ones without inline script; anything else must
 * already be absolute, so that a typo does not silently become a path.
 */
export function parseConfig(raw: RawConfig, baseURI: string): ConfigResult {
  const input: Record<string, unknown> = { ...raw };
  const problems: ConfigProblem[] = [];
  for (const name of ['endpoint', 'token-url', 'enroll-url'] as const) {
    const value = raw[name];
    try {
      if (value && /^[./]/.test(value)) input[name] = new URL(value, baseURI).href;
    } catch {
      // Left as written: the schema reports it as invalid.
    }
  }
  try {
    if (raw.messages) input.messages = JSON.parse(raw.messages);
  } catch {
    delete input.messages;
    problems.push({ attribute: 'messages', kind: 'invalid' });
  }
  const parsed = TandemConfig.safeParse(input);
  for (const { path } of parsed.error?.issues ?? []) {
    const attribute = path[0] as ConfigAttribute;
    if (!problems.some((p) => p.attribute == attribute)) problems.push({ attribute, kind: raw[attribute] ? 'invalid' : 'missing' });
  }
  return parsed.success && !problems.length ? { ok: true, config: parsed.data } : { ok: false, problems, lang: raw.lang };
}
