import { LitElement, html, type PropertyDeclarations, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { CONFIG_ATTRIBUTES } from '../protocol/config-attributes.js';
import type { TandemConfig } from '../protocol/config.js';
import type { Command } from '../protocol/api.js';
import type { ClientFact, CommandOutcome, SessionSnapshot, TandemSessionApi } from '../transport/session-types.js';
import { errorId, format, loadCatalogue, resolveLocale, withOverrides, type Locale, type MessageId, type Messages, type Params } from '../i18n/translate.js';
import type { ConfigProblem } from './config-resolver.js';
import { readRawConfig } from './config-reader.js';
import { CONFIG_CHANGE, fire } from './events.js';
import { styles } from './styles.js';

type View = TemplateResult | typeof nothing;

type Runtime = typeof import('./runtime.js');
/** The runtime chunk, asked for by the first element that connects; `runtime` once it is here. */
let loading: Promise<Runtime> | undefined;
let runtime: Runtime | undefined;

/** Session problems already fired as `tandem-error` by some element of the page. */
const reported = new WeakSet<object>();

/**
 * What the learner elements share. It reads the configuration (a
 * `<tandem-config>` overlaid with the element's own attributes, re-read when
 * either changes), loads its language, binds the learner's session (the
 * injected `session`, else the one `getSession` shares for that
 * configuration), and renders the configuration error, the offline and
 * memory-only notices, the status and error lines around the subclass's
 * `content()`. It also sends commands and facts with their DOM events.
 */
export abstract class TandemElement extends LitElement {
  static override styles = styles;
  static override properties: PropertyDeclarations = {
    session: { attribute: false },
    busy: { state: true },
    status: { state: true },
    error: { state: true },
    confirming: { state: true },
  };

  /** A session to use instead of the one the page's configuration gives (tests, host applications). */
  declare session?: TandemSessionApi | undefined;
  // Fields start undefined where that reads as false, empty or none: no initializers to ship.
  /** True while a command of this element waits for the endpoint's answer. */
  protected busy?: boolean;
  /** The last outcome, for the polite status line. */
  protected status?: string;
  /** The last failure, for the alert line. */
  protected error?: string;
  /** The item (invite, group) whose cancel or leave button waits for "Yes". */
  protected confirming?: string | null;
  /** The valid configuration, or null while `problems` says what is wrong (both set once the runtime chunk is here). */
  protected config!: TandemConfig | null;
  protected problems!: ConfigProblem[];
  /** False until the language's messages are here: there is no text to show before. */
  protected ready?: boolean;
  /** The session this element is bound to: the injected one, else the page's shared one. */
  protected bound?: TandemSessionApi | null;

  #unsubscribe?: (() => void) | undefined;
  #messages!: Messages;
  #logged = new Set<string>();
  #turn = 0;
  /**
   * Reads the configuration, then (once the page's catalogue and the runtime
   * chunk are here, at once when they already are) parses it, applies the
   * language and binds the session. Until then the element shows its
   * placeholder. Re-reading is cheap and idempotent: the session is shared per
   * configuration, the catalogue cached, problems logged once.
   */
  readonly #resolve = (): void => {
    const raw = readRawConfig(this);
    const turn = ++this.#turn;
    const locale = resolveLocale(raw.lang, document.documentElement.lang);
    const apply = (catalogue: Messages, { parseConfig }: Runtime): void => {
      // A newer reading (an attribute changed meanwhile) wins.
      if (turn != this.#turn) return;
      const result = parseConfig(raw, document.baseURI);
      this.config = result.ok ? result.config : null;
      this.problems = result.ok ? [] : result.problems;
      for (const { attribute, kind } of this.problems) {
        const line = `Tandem <${this.localName}>: ${attribute} ${kind}`;
        if (!this.#logged.has(line)) console.error(line);
        this.#logged.add(line);
      }
      this.#messages = withOverrides(catalogue, this.config?.messages, locale);
      this.ready = true;
      this.#bind(true);
      this.requestUpdate();
    };
    const catalogue = this.catalogue(locale);
    if (runtime && !(catalogue instanceof Promise)) return apply(catalogue, runtime);
    this.ready = false;
    // A catalogue chunk that cannot load (offline before it was cached, or replaced by a newer deploy) leaves ids,
    // better than a blank; English would be no rescue, being a chunk from the same place.
    void Promise.all([Promise.resolve(catalogue).catch(() => ({})), (loading ??= import('./runtime.js'))]).then(
      ([messages, loaded]) => apply(messages, (runtime = loaded)),
      () => {
        // The runtime chunk did not load (offline before it was cached): say so rather than keep a placeholder,
        // and let the next connection try again.
        loading = undefined;
        if (turn != this.#turn) return;
        const known = this.catalogue(locale);
        this.#messages = known instanceof Promise ? {} : known;
        this.config = null;
        this.problems = [];
        this.ready = true;
        this.requestUpdate();
      },
    );
  };

  // The configuration attributes are observed beside Lit's own, so an element re-reads its configuration when one changes.
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, ...CONFIG_ATTRIBUTES];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (this.isConnected) this.#resolve();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener(CONFIG_CHANGE, this.#resolve);
    this.#resolve();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener(CONFIG_CHANGE, this.#resolve);
    this.#bind(false);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // An injected session replaces the shared one as soon as it is set, and gives way to it when unset.
    if (changed.has('session') && this.isConnected) this.#bind(true);
  }

  /** Subscribes to the session the configuration calls for (if `on`), unless it is the one already bound. */
  #bind(on: boolean): void {
    let next: TandemSessionApi | null = null;
    try {
      if (on && this.config) next = this.session ?? runtime!.getSession(this.config);
    } catch (error) {
      console.error('Tandem: no session', error);
    }
    if (next == this.bound) return;
    this.#unsubscribe?.();
    this.bound = next;
    this.#unsubscribe = next?.subscribe(({ problem }) => {
      // A session problem (events the endpoint refused and set aside, storage
      // trouble…) is one new object per report: the first element that sees it
      // fires `tandem-error`, so a page with three elements hears it once.
      if (problem && !reported.has(problem)) {
        reported.add(problem);
        if (problem.code != 'network') fire(this, { code: problem.code, message: problem.detail ?? problem.code });
      }
      this.requestUpdate();
    });
    this.requestUpdate();
  }

  /** The messages of `locale` the element needs, by id, or a promise of them: part 1's (part 2's elements add their own). */
  protected catalogue(locale: Locale): Messages | Promise<Messages> {
    return loadCatalogue(locale);
  }

  protected get snapshot(): SessionSnapshot | undefined {
    return this.bound?.snapshot();
  }

  /** The message `id` in the element's language, with the course's overrides (an arrow, so views can destructure it). */
  protected t = (id: MessageId, params?: Params): string => format(this.#messages, id, params);

  /** The message for error `code`: its own, else the generic one (see `errorId`). */
  protected failure(code: string): string {
    return this.t(errorId(this.#messages, code) as MessageId);
  }

  /** Sends a command; dispatches the events the endpoint wrote, or shows the error and fires `tandem-error`. */
  protected async run(command: Command): Promise<CommandOutcome> {
    this.busy = true;
    this.error = this.status = '';
    // The session answers every failure as an outcome (its contract: it never rejects), so there is nothing to catch here.
    const outcome = await this.bound!.send(command);
    this.busy = false;
    if (outcome.ok) for (const event of outcome.events) fire(this, event);
    else {
      this.error = this.failure(outcome.code);
      fire(this, { code: outcome.code, message: outcome.message });
    }
    return outcome;
  }

  /** Dispatches a client-side fact on the element and queues it (the session reports its own storage trouble). */
  protected track(fact: ClientFact): Promise<void> | undefined {
    fire(this, fact);
    return this.bound?.track(fact);
  }

  /** Whether a command of `type` about `id` (an invite or group) waits in the session's queue. */
  protected pending(type: Command['type'], id: string): boolean {
    return !!this.snapshot?.pending.some(({ command }) => command.type == type && Object.values(command).includes(id));
  }

  /** Moves focus into the shadow root once the next render is done (after a view change). */
  protected async focusAfterRender(selector: string): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  /** The button-like link to `enroll-url`, if the course has one. */
  protected enroll(label: MessageId, onclick?: (event: Event) => void): TemplateResult | undefined {
    const href = this.config?.['enroll-url'];
    return href ? html`<a part=button href=${href} @click=${onclick}>${this.t(label)}</a>` : undefined;
  }

  /**
   * For signed-out visitors the prompt, as the enroll link when the course has
   * one (a link that says where it leads) or as text; a loading line until the
   * state is known; else undefined. The prompt may be a text worded already
   * (with its parameters filled): `t` gives a text that is no message id back
   * as it is.
   */
  protected gate({ status, state }: SessionSnapshot, prompt: MessageId): TemplateResult | undefined {
    const { t } = this;
    return status == 'signed-out'
      ? (this.enroll(prompt) ?? html`<p>${t(prompt)}</p>`)
      : state
        ? undefined
        : html`<p class="placeholder muted">${t('common.loading')}</p>`;
  }

  /** What and how, as a definition list of the codes' labels joined for reading. */
  protected whatHow(item: { objects: readonly string[]; modalities: readonly string[] }): TemplateResult {
    return html`<dl>${(['object', 'modality'] as const).map(
      (prefix, i) => html`<dt>${this.t(i ? 'common.how' : 'common.what')}</dt><dd>${item[i ? 'modalities' : 'objects'].map((code) => this.t(`${prefix}.${code}` as MessageId)).join(', ')}</dd>`,
    )}</dl>`;
  }

  /** A button that asks `question` first and calls `yes` only on "Yes"; focus moves to "Yes". */
  protected confirmable(id: string, label: MessageId, question: MessageId, yes: () => unknown): TemplateResult {
    const { t } = this;
    const no = (): void => void (this.confirming = null);
    return this.confirming == id
      ? html`<div role=group aria-labelledby="confirm"><p id=confirm>${t(question)}</p><div class=row><button part=button type=button class=yes @click=${() => {
          no();
          yes();
        }}>${t('common.yes')}</button><button part=button type=button class=alt @click=${no}>${t('common.no')}</button></div></div>`
      : html`<button part=button type=button class=alt ?disabled=${this.busy} @click=${() => {
          this.confirming = id;
          void this.focusAfterRender('.yes');
        }}>${t(label)}</button>`;
  }

  protected override render(): View {
    const { t } = this;
    const snapshot = this.snapshot;
    if (!this.ready) return html`<div part=panel class=placeholder aria-busy="true"></div>`;
    if (this.problems.length) {
      // No `expect.token`: the resolver drops empty attributes, and any other token is valid, so it is never reported.
      return html`<div part=error role=alert class=error><p><strong>${t('config.title')}</strong></p>${this.problems.map(
        ({ attribute, kind }) =>
          html`<p>${t(`config.${kind}`, { attribute, expected: t(`expect.${/url|endpoint/.test(attribute) ? 'url' : attribute}` as MessageId) })}</p>`,
      )}</div>`;
    }
    if (!snapshot) return html`<p part=error role=alert class=error>${t('error.internal')}</p>`;
    const content = this.content(snapshot);
    const problem = snapshot.problem?.code;
    // The session's own problem shows until this element has one of its own; being offline has its banner.
    return content == nothing
      ? nothing
      : html`<section part=panel>${snapshot.offline ? html`<p part=banner>${t('common.offline')}</p>` : ''}${content}${
          snapshot.memoryOnly ? html`<p part=notice class=muted>${t('common.memory-only')}</p>` : ''
        }<p part=status role=status>${this.busy ? t(snapshot.offline ? 'common.waiting' : 'common.sending') : this.status}</p><p part=error class=error role=alert>${
          this.error || (problem && problem != 'network' ? this.failure(problem) : '')
        }</p></section>`;
  }

  /** The element's own view of a snapshot, or `nothing` to render nothing at all. */
  protected abstract content(snapshot: SessionSnapshot): View;
}
