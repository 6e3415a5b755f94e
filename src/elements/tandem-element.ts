import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { Command, type CommandType } from '../protocol/api.js';
import type { ClientFact, CommandOutcome, SessionSnapshot, TandemSessionApi } from '../transport/session-types.js';
import type { MessageId, Params } from '../i18n/translate.js';
import { SessionController } from './session-controller.js';
import { TandemDomEvent, TandemErrorEvent } from './events.js';
import { baseStyles } from './styles.js';

/**
 * What the learner elements share: configuration and session through a
 * controller, the configuration-error view, the offline and memory-only
 * notices, the status and error lines, and sending commands and facts with
 * their DOM events. Subclasses render their own content.
 */
export abstract class TandemElement extends LitElement {
  static override styles = baseStyles;

  protected readonly ctx = new SessionController(this);

  /** True while a command of this element waits for the endpoint's answer. */
  @state() protected busy = false;
  /** The last outcome, for the polite status line. */
  @state() protected status = '';
  /** The last failure, for the alert line. */
  @state() protected error = '';

  /** A session to use instead of the one the page's configuration gives (tests, host applications). */
  @property({ attribute: false }) session?: TandemSessionApi | undefined;

  /** Sends a command; dispatches the events the endpoint wrote, or `tandem-error`. */
  protected async run(command: Command): Promise<CommandOutcome> {
    const session = this.ctx.session;
    const parsed = Command.safeParse(command);
    let outcome: CommandOutcome;
    if (!session || !parsed.success) {
      outcome = { ok: false, code: 'bad_request', message: parsed.error?.message ?? 'no session', path: '' };
    } else {
      this.busy = true;
      this.error = '';
      this.status = '';
      try {
        outcome = await session.send(parsed.data);
      } catch (error) {
        outcome = { ok: false, code: 'network', message: String(error), path: '' };
      }
      this.busy = false;
    }
    if (outcome.ok) for (const event of outcome.events) this.dispatchEvent(new TandemDomEvent(event));
    else this.fail(outcome.code, outcome.message);
    return outcome;
  }

  /** Queues a client-side fact and dispatches it on the element. */
  protected async track(fact: ClientFact): Promise<void> {
    this.dispatchEvent(new TandemDomEvent(fact));
    try {
      await this.ctx.session?.track(fact);
    } catch (error) {
      this.dispatchEvent(new TandemErrorEvent({ code: 'storage_unavailable', message: String(error) }));
    }
  }

  /** Shows a translated error and reports it as `tandem-error`. */
  protected fail(code: string, message: string): void {
    this.error = this.t(`error.${code}` as MessageId);
    this.dispatchEvent(new TandemErrorEvent({ code, message }));
  }

  protected t(id: MessageId, params?: Params): string {
    return this.ctx.t(id, params);
  }

  /** Whether a command of `type` (matching `test`) waits in the session's queue. */
  protected isPending(type: CommandType, test: (command: Command) => boolean = () => true): boolean {
    return this.ctx.snapshot?.pending.some((p) => p.command.type === type && test(p.command)) ?? false;
  }

  /** Labels of typology codes, joined for reading. */
  protected labels(prefix: 'relationship' | 'object' | 'modality', codes: readonly string[]): string {
    return codes.map((code) => this.t(`${prefix}.${code}` as MessageId)).join(', ');
  }

  /** Moves focus into the shadow root once the next render is done (after a view change). */
  protected async focusAfterRender(selector: string): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  protected override render(): TemplateResult | typeof nothing {
    const { problems, ready, session, snapshot } = this.ctx;
    if (!ready) return this.renderPlaceholder();
    if (problems.length > 0) {
      return html`<div part="error" role="alert" class="card error">
        <p><strong>${this.t('config.title')}</strong></p>
        <ul>${problems.map((p) => html`<li>${this.ctx.describe(p)}</li>`)}</ul>
      </div>`;
    }
    if (!session && this.ctx.config) {
      return html`<p part="error" role="alert" class="card error">${this.t('error.internal')}</p>`;
    }
    if (!snapshot) return this.renderPlaceholder();
    const content = this.renderContent(snapshot);
    if (content === nothing) return nothing;
    const status = this.busy ? this.t(snapshot.offline ? 'common.waiting' : 'common.sending') : this.status;
    // The session's own problem shows until this element has one of its own; being offline has its banner.
    const problem = snapshot.problem && snapshot.problem.code !== 'network' ? this.t(`error.${snapshot.problem.code}`) : '';
    return html`<section part="panel" class="card">
      ${snapshot.offline ? html`<p part="banner" class="banner">${this.t('common.offline')}</p>` : nothing}
      ${content}
      ${snapshot.memoryOnly ? html`<p part="notice" class="muted">${this.t('common.memory-only')}</p>` : nothing}
      <p part="status" class="line" role="status" aria-live="polite">${status}</p>
      <p part="error" class="line error" role="alert">${this.error || problem}</p>
    </section>`;
  }

  protected renderPlaceholder(): TemplateResult {
    // Before the language's messages arrive there is no text to show; the box keeps its height either way.
    return html`<div part="panel" class="card placeholder" aria-busy="true"><p class="muted">${this.ctx.ready ? this.t('common.loading') : ''}</p></div>`;
  }

  /** The element's own view of a snapshot, or `nothing` to render nothing at all. */
  protected abstract renderContent(snapshot: SessionSnapshot): TemplateResult | typeof nothing;
}
