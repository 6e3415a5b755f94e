import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { CONFIG_ATTRIBUTES, type TandemConfig } from '../protocol/config.js';
import type { SessionSnapshot, TandemSessionApi } from '../transport/session-types.js';
import { getSession } from '../transport/session.js';
import { format, loadCatalogue, loadedCatalogue, resolveLocale, withOverrides, type Locale, type MessageId, type Messages, type Params } from '../i18n/translate.js';
import { EXPECTED, resolveConfig, type ConfigProblem } from './config-resolver.js';
import { TandemConfigChangeEvent } from './events.js';

export type SessionHost = ReactiveControllerHost & HTMLElement & { session?: TandemSessionApi | undefined };

/**
 * Connects one element to the page's configuration, its learner's session
 * and its language. It re-reads the configuration when a `<tandem-config>`
 * or the element's own attributes change, uses an injected `session` when
 * one is set (tests, or a host app that builds its own), and otherwise
 * shares the session `getSession` keeps for that configuration.
 */
export class SessionController implements ReactiveController {
  /** The valid configuration, or null while `problems` lists what is wrong. */
  config: TandemConfig | null = null;
  problems: ConfigProblem[] = [];
  session: TandemSessionApi | null = null;
  snapshot: SessionSnapshot | null = null;
  locale: Locale = 'en';
  /** False while the language's catalogue is still loading (the element shows a placeholder). */
  ready = false;

  readonly #host: SessionHost;
  #configKey = '';
  #injected: TandemSessionApi | undefined;
  #messages: Messages = {};
  #unsubscribe: (() => void) | null = null;
  #logged = new Set<string>();
  #observer: MutationObserver | null = null;
  readonly #onConfigChange = (): void => this.#resolve();

  constructor(host: SessionHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener(TandemConfigChangeEvent.type, this.#onConfigChange);
    this.#observer = new MutationObserver(this.#onConfigChange);
    this.#observer.observe(this.#host, { attributes: true, attributeFilter: [...CONFIG_ATTRIBUTES] });
    this.#configKey = '';
    this.#resolve();
  }

  hostDisconnected(): void {
    document.removeEventListener(TandemConfigChangeEvent.type, this.#onConfigChange);
    this.#observer?.disconnect();
    this.#bind(null);
  }

  hostUpdate(): void {
    // An injected session replaces the shared one as soon as it is set, and gives way to it when unset.
    if (this.#host.session === this.#injected) return;
    this.#injected = this.#host.session;
    if (this.config) this.#bind(this.#injected ?? this.#shared(this.config));
  }

  /** The message `id` in the element's language, with the course's overrides. */
  t(id: MessageId, params?: Params): string {
    return format(this.#messages, id, params);
  }

  /** A problem as one line, e.g. `endpoint: missing, expected an absolute http(s) URL`. */
  describe(problem: ConfigProblem): string {
    const messages = this.#messages;
    return format(messages, `config.${problem.kind}`, { attribute: problem.attribute, expected: format(messages, EXPECTED[problem.attribute]) });
  }

  #resolve(): void {
    const result = resolveConfig(this.#host);
    const key = JSON.stringify(result);
    if (key === this.#configKey) return;
    this.#configKey = key;
    const lang = result.ok ? result.config.lang : result.lang;
    this.locale = resolveLocale(lang, document.documentElement.lang, navigator.language);
    this.config = result.ok ? result.config : null;
    this.problems = result.ok ? [] : result.problems;
    this.#applyLanguage();
    this.#injected = this.#host.session;
    this.#bind(this.config ? this.#injected ?? this.#shared(this.config) : null);
    this.#host.requestUpdate();
  }

  #applyLanguage(): void {
    const locale = this.locale;
    const catalogue = loadedCatalogue(locale);
    this.ready = catalogue !== undefined;
    if (catalogue) {
      this.#messages = withOverrides(catalogue, this.config?.messages, locale);
      this.#logProblems();
      return;
    }
    loadCatalogue(locale)
      // The chunk could not load (offline before it was cached): English is better than nothing.
      .catch((error: unknown) => {
        console.error('Tandem: could not load the messages for', locale, error);
        return loadCatalogue('en');
      })
      .then(
        (loaded) => {
          if (this.locale !== locale) return;
          this.#messages = withOverrides(loaded, this.config?.messages, locale);
          this.ready = true;
          this.#logProblems();
        },
        // Not even English: message ids are shown rather than nothing.
        () => {
          this.ready = true;
        },
      )
      .finally(() => this.#host.requestUpdate());
  }

  /** One console error per distinct problem, in the element's language, once its messages are here. */
  #logProblems(): void {
    for (const problem of this.problems) {
      const line = this.describe(problem);
      if (this.#logged.has(line)) continue;
      this.#logged.add(line);
      console.error(`Tandem <${this.#host.localName}>: ${line}`);
    }
  }

  #shared(config: TandemConfig): TandemSessionApi | null {
    try {
      return getSession(config);
    } catch (error) {
      console.error('Tandem: the session could not start', error);
      return null;
    }
  }

  #bind(session: TandemSessionApi | null): void {
    if (session === this.session) return;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.session = session;
    this.snapshot = session?.snapshot() ?? null;
    if (session) {
      this.#unsubscribe = session.subscribe((snapshot) => {
        this.snapshot = snapshot;
        this.#host.requestUpdate();
      });
    }
  }
}
