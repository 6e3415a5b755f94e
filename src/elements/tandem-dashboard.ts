import { LitElement, html, type PropertyDeclarations, type TemplateResult } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { csvFileName } from '../core/csv.js';
import { duration, refreshSeconds } from '../core/dashboard-figures.js';
import { MODALITIES, OBJECTS } from '../core/typology.js';
import { CONFIG_ATTRIBUTES } from '../protocol/config-attributes.js';
import type { TandemConfig } from '../protocol/config.js';
import { DEFAULT_SUPPRESSION_THRESHOLD } from '../core/suppression.js';
import { DASHBOARD_MESSAGE_IDS, type DashboardMessageId } from '../i18n/dashboard-message-ids.js';
import { texts as dashboardEn } from '../i18n/dashboard-en.js';
import { texts as dashboardFr } from '../i18n/dashboard-fr.js';
import { texts as en } from '../i18n/en.js';
import { texts as fr } from '../i18n/fr.js';
import { MESSAGE_IDS } from '../i18n/message-ids.js';
import { errorId, format, resolveLocale, withOverrides, type Catalogue, type Locale, type MessageId, type Messages, type Params } from '../i18n/translate.js';
import { readRawConfig } from './config-reader.js';
import { parseConfig, type ConfigProblem } from './config-resolver.js';
import { createDashboardClient } from './dashboard/client.js';
import { SettingsController, type SettingsField } from './dashboard/settings-controller.js';
import { StatsController, realTimers, type Timers } from './dashboard/stats-controller.js';
import { dashboardStyles } from './dashboard/styles.js';
import { sections, tableCsv, type Section, type Table } from './dashboard/tables.js';
import { barChart, cellText, columnChart, tableView, type Formats } from './dashboard/views.js';
import { define } from './define.js';
import { CONFIG_CHANGE, fire } from './events.js';

type Id = MessageId | DashboardMessageId;

/** Part 1's texts (the typology's labels, configuration errors) with the dashboard's, by language, built once. */
const catalogues: Partial<Record<Locale, Messages>> = {};
const catalogue = (locale: Locale): Messages =>
  (catalogues[locale] ??= Object.fromEntries(
    ([
      [MESSAGE_IDS, locale == 'fr' ? fr : en],
      [DASHBOARD_MESSAGE_IDS, locale == 'fr' ? dashboardFr : dashboardEn],
    ] as [readonly string[], Catalogue][]).flatMap(([ids, texts]) => ids.map((id, i) => [id, texts[i]!])),
  ));

/**
 * The instructor's dashboard (issue 4): how the course's learners pair up
 * (the paper's typology, live), their groups' sizes and life, the funnels
 * from invite to group, completion and progress with and without a group,
 * and the course's settings with "Run pool matching now". Counts only, never
 * a name or an id; a count the endpoint withheld shows as "—", named so for
 * screen readers. Every table downloads as CSV.
 *
 * Configured like the learner elements: a `<tandem-config>` on the page,
 * overlaid with the element's own attributes. The token must be an
 * instructor's or admin's for the course (the endpoint answers 403 to
 * anyone else, and the element then shows no figures). It loads from its own
 * script, `tandem-dashboard.js`: learners never download it.
 *
 * The figures refresh on their own every `refresh-seconds` (30 s to a day)
 * while the page is visible, and with the Refresh button; only the first
 * load and the refreshes asked for are announced to screen readers, and
 * nothing is asked again on its own once the endpoint refused this person
 * (403) or nobody usable is signed in (a new configuration, a host's new
 * token provider, or Retry, with a `token-url`, asks again). Saving the
 * settings refreshes the figures (a new threshold applies at once).
 *
 * @tagname tandem-dashboard
 * @attr refresh-seconds - Seconds between automatic refreshes: from 30 to 86,400 (a day; default 60).
 * @attr endpoint - The endpoint's base URL, as on `<tandem-config>`.
 * @attr course - The course id.
 * @attr course-title - The course's name, in the title.
 * @attr token-url - Where the instructor's token is fetched.
 * @attr token - The instructor's token, when the page has it.
 * @attr enroll-url - Where a signed-out visitor signs in.
 * @attr lang - `en` or `fr`; else the page's language.
 * @attr messages - JSON object overriding messages by id.
 * @fires tandem-error - When saving the settings or starting a pool-matching round fails (detail `{code, message}`).
 * @csspart panel - The dashboard's card.
 * @csspart section - Each section (typology, groups, funnels, persistence, settings).
 * @csspart table - Each table.
 * @csspart chart - Each chart.
 * @csspart note - Notes and legends.
 * @csspart form - The settings form.
 * @csspart button - Every button.
 * @csspart link - The sign-in link.
 * @csspart status - Polite status lines.
 * @csspart error - Error lines.
 * @cssprop --tandem-chart-color - Bars of the charts (default: the accent colour).
 * @cssprop --tandem-skeleton-color - The loading placeholder's blocks.
 * @cssprop --tandem-accent - Buttons and, by default, bars.
 */
export class TandemDashboard extends LitElement {
  static override styles = dashboardStyles;
  static override properties: PropertyDeclarations = { refreshSeconds: { attribute: 'refresh-seconds' } };

  readonly #stats = new StatsController(this, () => void this.#settings.load());
  readonly #settings = new SettingsController(this, () => void this.#stats.refresh());

  /** The `refresh-seconds` attribute as written (see `periodMs`). */
  declare refreshSeconds?: string | number;
  /** The fetch to call the endpoint and the token URL with (tests, host applications); the browser's by default. */
  fetch?: typeof fetch;
  /** Timers for the refresh and the pool-round polling (tests drive them by hand). */
  timers: Timers = realTimers;
  /** The clock that says when figures are stale. */
  now: () => number = Date.now;

  #config: TandemConfig | null = null;
  #problems: ConfigProblem[] = [];
  #messages: Messages = {};
  #locale: Locale = 'en';
  /** The configuration the client was made for, so re-reading an unchanged one keeps the figures. */
  #key?: string | undefined;
  /** Stops listening to the host's token provider for the current client. */
  #unwatch?: (() => unknown) | undefined;
  #logged = new Set<string>();

  /** The automatic refresh period in milliseconds, from `refresh-seconds` (30 s to a day). */
  get periodMs(): number {
    return refreshSeconds(this.refreshSeconds) * 1000;
  }

  // The configuration attributes are observed beside Lit's own, so the element re-reads them when one changes.
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, ...CONFIG_ATTRIBUTES];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (this.isConnected && (CONFIG_ATTRIBUTES as readonly string[]).includes(name)) this.#resolve();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener(CONFIG_CHANGE, this.#resolve);
    this.#resolve();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener(CONFIG_CHANGE, this.#resolve);
    // The controllers stopped; coming back starts them again.
    this.#key = undefined;
    this.#unwatch?.();
    this.#unwatch = undefined;
  }

  /** Reads the configuration; a new endpoint, course or identity starts over with a new client. */
  readonly #resolve = (): void => {
    const raw = readRawConfig(this);
    const result = parseConfig(raw, document.baseURI);
    this.#locale = resolveLocale(raw.lang, document.documentElement.lang);
    this.#config = result.ok ? result.config : null;
    this.#problems = result.ok ? [] : result.problems;
    for (const { attribute, kind } of this.#problems) {
      const line = `Tandem <tandem-dashboard>: ${attribute} ${kind}`;
      if (!this.#logged.has(line)) console.error(line);
      this.#logged.add(line);
    }
    this.#messages = withOverrides(catalogue(this.#locale), this.#config?.messages, this.#locale);
    const config = this.#config;
    const key = config ? JSON.stringify([config.endpoint, config.course, config.token, config['token-url']]) : '';
    if (key != this.#key) {
      this.#key = key;
      const client = config ? createDashboardClient(config, this.fetch ? { fetch: this.fetch } : {}) : undefined;
      this.#unwatch?.();
      // A host's sign-in or sign-out: the figures are asked for again with the token it gives now.
      this.#unwatch = client?.onSignInChange(() => void this.#stats.refresh());
      this.#settings.use(client);
      this.#stats.use(client);
    }
    this.requestUpdate();
  };

  /** The CSV text of the table `id` (`typology-relationship`, `persistence`…) as its button downloads it; undefined before the figures. */
  csv(id: string): string | undefined {
    const table = this.#sections().flatMap((s) => s.tables).find((t) => t.id == id);
    return table && tableCsv(table);
  }

  #t = (id: Id, params?: Params): string => format(this.#messages, id, params);

  #failure(code: string): string {
    return this.#t(errorId(this.#messages, code) as Id);
  }

  #time(iso: string | number): string {
    return new Intl.DateTimeFormat(this.#locale, { hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
  }

  #week = (short: boolean) => (iso: string): string =>
    new Intl.DateTimeFormat(this.#locale, { day: 'numeric', month: 'short', ...(!short && { year: 'numeric' }), timeZone: 'UTC' }).format(new Date(iso + 'T00:00:00Z'));

  #sections(): Section[] {
    const stats = this.#stats.stats;
    return stats ? sections(stats, this.#t, this.#week(false)) : [];
  }

  readonly #download = (table: Table): void => {
    // A byte-order mark, so that spreadsheets open the UTF-8 text as UTF-8 (accents in labels); CSV readers skip it.
    const url = URL.createObjectURL(new Blob(['\uFEFF' + tableCsv(table)], { type: 'text/csv;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = csvFileName(this.#config!.course, table.id);
    link.click();
    setTimeout(() => URL.revokeObjectURL(url));
  };

  readonly #save = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    // The form's values as they are: an empty or non-numeric field is NaN, which the schema names as wrong.
    const number = (name: SettingsField): number => (String(data.get(name) ?? '').trim() ? Number(data.get(name)) : NaN);
    const ok = await this.#settings.save({
      groupSize: number('groupSize'),
      objects: data.getAll('objects'),
      modalities: data.getAll('modalities'),
      city: data.has('city'),
      inviteLifetimeDays: number('inviteLifetimeDays'),
      poolEveryHours: number('poolEveryHours'),
      suppressionThreshold: number('suppressionThreshold'),
    });
    const problem = this.#settings.saveProblem;
    if (problem) fire(this, { code: problem, message: this.#failure(problem) });
    // The figures as the new settings withhold them (a new threshold): asked for now, quietly ("Settings saved." is said).
    if (ok) void this.#stats.refresh();
    await this.updateComplete;
    // The form is drawn anew from the endpoint's answer: focus goes back to Save; else to the first wrong field.
    this.renderRoot.querySelector<HTMLElement>(ok || problem ? '#save' : '[aria-invalid="true"], [data-invalid] input')?.focus();
  };

  readonly #run = async (): Promise<void> => {
    await this.#settings.startRun();
    const problem = this.#settings.runProblem;
    if (problem) fire(this, { code: problem, message: this.#failure(problem) });
  };

  #formats(threshold: number): Formats {
    const number = new Intl.NumberFormat(this.#locale);
    const percent = new Intl.NumberFormat(this.#locale, { style: 'percent', maximumFractionDigits: 1 });
    return { t: this.#t, count: (n) => number.format(n), pct: (n) => percent.format(n / 100), threshold };
  }

  #median(hours: number | null): string {
    if (hours === null) return this.#t('dash.median-none');
    const { unit, value } = duration(hours);
    const n = new Intl.NumberFormat(this.#locale, { maximumFractionDigits: 1 }).format(value);
    return this.#t('dash.median', { duration: this.#t(`dash.${unit}`, { n }) });
  }

  #section(section: Section, f: Formats): TemplateResult {
    const t = this.#t;
    const [first, second, third, fourth, fifth] = section.tables as [Table, Table?, Table?, Table?, Table?];
    const pair = (table: Table, chart: TemplateResult | '' = barChart(table, f), button?: string) => html`<div class="pair">${chart}${tableView(table, f, this.#download, button)}</div>`;
    const stats = this.#stats.stats!;
    const body =
      section.id == 'typology'
        ? html`<p part="note">${t('dash.typology-note')}</p>${pair(first)}${pair(second!)}${pair(third!)}${tableView(fourth!, f, this.#download)}${tableView(fifth!, f, this.#download)}`
        : section.id == 'groups'
          ? html`${tableView(first, f, this.#download)}${pair(second!)}${
              stats.weekly.length ? pair(third!, columnChart(third!, f, this.#week(true))) : html`<h4>${third!.caption}</h4><p>${t('dash.no-weeks')}</p>`
            }`
          : section.id == 'funnels'
            ? html`${pair(first)}<p>${this.#median(stats.funnels.invites.medianHoursToAccept)}</p>`
            : html`<p>${t('dash.reported', { count: stats.persistence.reported === null ? t('dash.withheld') : f.count(stats.persistence.reported) })}</p><p part="note">${t('dash.correlation')}</p><p part="note">${t(
                'dash.research',
              )}</p>${pair(first, barChart(first, f, 2, { max: 100, ticks: [] }, t('dash.completion-rate')), t('dash.research-csv'))}`;
    const heading = { typology: 'dash.typology', groups: 'dash.life', funnels: 'dash.funnels', persistence: 'dash.persistence' } as const;
    return html`<section part="section" aria-labelledby="h-${section.id}"><h3 id="h-${section.id}">${t(heading[section.id])}</h3>${body}</section>`;
  }

  #controls(): TemplateResult {
    const t = this.#t;
    const s = this.#settings;
    const settings = s.settings;
    const number = (name: SettingsField, label: Id, hint: Id, min: number, max: number, value: number) => {
      const wrong = s.invalid.includes(name);
      return html`<label class="num">${t(label)}<input type="number" name=${name} min=${min} max=${max} step="1" inputmode="numeric" value=${value} aria-describedby="hint-${name}" aria-invalid=${wrong} /></label><p id="hint-${name}" class="hint ${wrong ? 'error' : 'muted'}">${
        wrong ? t('dash.invalid', { field: t(label), hint: t(hint) }) : t(hint)
      }</p>`;
    };
    const boxes = (name: 'objects' | 'modalities', codes: readonly string[], chosen: readonly string[]) => {
      const wrong = s.invalid.includes(name);
      return html`<fieldset ?data-invalid=${wrong} aria-describedby=${wrong ? `hint-${name}` : ''}><legend>${t(`dash.${name}`)}</legend>${codes.map(
        (code) => html`<label><input type="checkbox" name=${name} value=${code} ?checked=${chosen.includes(code)} />${t(`${name == 'objects' ? 'object' : 'modality'}.${code}` as MessageId)}</label>`,
      )}${wrong ? html`<p id="hint-${name}" class="hint error">${t('dash.invalid', { field: t(`dash.${name}`), hint: t('dash.choose') })}</p>` : ''}</fieldset>`;
    };
    const form = settings
      ? keyed(
          s.version,
          html`<form part="form" novalidate aria-labelledby="h-controls" @submit=${this.#save}>${number('groupSize', 'dash.group-size', 'dash.group-size-hint', 2, 6, settings.groupSize)}${boxes(
            'objects',
            OBJECTS,
            settings.objects,
          )}${boxes('modalities', MODALITIES, settings.modalities)}<label><input type="checkbox" name="city" ?checked=${settings.city ?? true} />${t('dash.city')}</label>${number(
            'inviteLifetimeDays',
            'dash.lifetime',
            'dash.lifetime-hint',
            1,
            90,
            settings.inviteLifetimeDays,
          )}${number('poolEveryHours', 'dash.pool-every', 'dash.pool-every-hint', 0, 672, settings.poolEveryHours ?? 0)}${number(
            'suppressionThreshold',
            'dash.threshold',
            'dash.threshold-hint',
            3,
            100,
            // Absent from the settings: the threshold the figures were withheld with (the endpoint's default).
            settings.suppressionThreshold ?? this.#stats.stats?.threshold ?? DEFAULT_SUPPRESSION_THRESHOLD,
          )}<button part="button" id="save" ?disabled=${s.saving}>${t('dash.save')}</button></form>`,
        )
      : s.loadProblem
        ? html`<p part="error" class="error">${t('dash.settings-failed')} ${this.#failure(s.loadProblem)}</p>`
        : html`<p class="muted">${t('common.loading')}</p>`;
    const run = s.run;
    // Absent: not known (yet); null: withheld from an instructor's token as the figures are, shown and explained as in the tables.
    const figures = run && run.status != 'running' ? ([['dash.candidates', run.candidates], ['dash.formed', run.groups], ['dash.matched', run.matched], ['dash.unmatched', run.unmatched]] as const) : [];
    // The controls show only with figures: the threshold their answer applied.
    const f = this.#formats(this.#stats.stats!.threshold);
    return html`<section part="section" aria-labelledby="h-controls"><h3 id="h-controls">${t('dash.controls')}</h3><p part="note" class="muted">${t('dash.authority')}</p>${form}<p part="status" role="status">${
      s.saving ? t('dash.saving') : s.saved ? t('dash.saved') : ''
    }</p><p part="error" class="error" role="alert">${s.saveProblem ? this.#failure(s.saveProblem) : ''}</p><div class="row"><button part="button" type="button" class="alt" ?disabled=${s.running || !settings} @click=${this.#run}>${t(
      'dash.run-pool',
    )}</button></div><p part="status" role="status">${
      run ? (run.status == 'running' ? t('dash.pool-started', { time: this.#time(run.startedAt) }) : t(run.status == 'done' ? 'dash.pool-done' : 'dash.pool-failed')) : ''
    }</p>${figures.some(([, n]) => n !== undefined) ? html`<dl class="run">${figures.map(([id, n]) => html`<dt>${t(id)}</dt><dd>${cellText({ n }, f)}</dd>`)}</dl>` : ''}${
      figures.some(([, n]) => n === null) ? html`<p part="note" class="legend muted">${t('dash.legend', { threshold: f.threshold })}</p>` : ''
    }<p part="error" class="error" role="alert">${
      s.runProblem ? this.#failure(s.runProblem) : ''
    }</p></section>`;
  }

  protected override render(): TemplateResult {
    const t = this.#t;
    if (this.#problems.length || !this.#config) {
      return html`<div part="error" role="alert" class="error"><p><strong>${t('config.title')}</strong></p>${this.#problems.map(
        ({ attribute, kind }) => html`<p>${t(`config.${kind}`, { attribute, expected: t(`expect.${/url|endpoint/.test(attribute) ? 'url' : attribute}` as MessageId) })}</p>`,
      )}</div>`;
    }
    const config = this.#config;
    const { stats, problem, denied, busy, manual } = this.#stats;
    const loading = !stats && !denied && (busy || !problem);
    const time = stats && this.#time(stats.generatedAt);
    const updated = time && t('dash.updated', { time });
    const f = stats && this.#formats(stats.threshold);
    const href = config['enroll-url'];
    const body = denied
      ? denied == 'signed-out'
        ? html`<p>${problem == 'token_missing' ? t('dash.signed-out') : this.#failure(problem!)}</p>${href ? html`<a part="link button" href=${href}>${t('dash.sign-in')}</a>` : ''}${
            // Nothing is asked again on its own while signed out; a token URL may answer otherwise once the instructor signed in.
            config['token-url'] ? html` <button part="button" type="button" class="alt" ?disabled=${busy} @click=${() => void this.#stats.refresh(true)}>${t('dash.retry')}</button>` : ''
          }`
        : ''
      : stats
        ? html`${this.#sections().map((section) => this.#section(section, f!))}${this.#controls()}`
        : loading
          ? html`<div class="skeleton" aria-hidden="true"></div><div class="skeleton" aria-hidden="true"></div>`
          : '';
    // What went wrong, and when figures are still shown, how old they are.
    const failure =
      denied == 'forbidden'
        ? t('dash.forbidden')
        : !problem || denied
          ? ''
          : problem == 'network'
            ? time
              ? t('dash.stale', { time })
              : t('dash.unreachable')
            : this.#failure(problem) + (time ? ' ' + t('dash.stale', { time }) : '');
    // Said politely: the first load and the refreshes asked for; those on their own change only the visible time.
    const said = busy && (manual || (!stats && !problem)) ? t(stats ? 'dash.updating' : 'common.loading') : manual && updated && !problem ? updated : '';
    return html`<section part="panel" aria-labelledby="title" aria-busy=${loading}><header><h2 id="title">${t('dash.title', { course: config['course-title'] ?? config.course })}</h2>${
      denied
        ? ''
        : html`<div class="row"><p part="status" role="status">${said}</p><p class="muted" id="updated">${
            updated
          }</p><button part="button" type="button" class="alt" ?disabled=${busy} @click=${() => void this.#stats.refresh(true)}>${t('dash.refresh')}</button></div>`
    }</header><p part="error" class="error" role="alert">${failure}</p>${failure && !denied ? html`<button part="button" type="button" ?disabled=${busy} @click=${() => void this.#stats.refresh(true)}>${t('dash.retry')}</button>` : ''}${body}</section>`;
  }
}

define('tandem-dashboard', TandemDashboard);

declare global {
  interface HTMLElementTagNameMap {
    'tandem-dashboard': TandemDashboard;
  }
}
