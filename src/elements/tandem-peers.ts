import { html, type PropertyDeclarations, type TemplateResult } from 'lit';
import { PARTS_OF_DAY } from '../core/availability.js';
import { REPORT_REASONS } from '../i18n/peer-message-ids.js';
import type { MessageId } from '../i18n/translate.js';
import type { PeerProfileInput } from '../protocol/peers.js';
import type { SendReport } from '../protocol/requests.js';
import { block, loadPeers, optOut, saveProfile, sendReport, type MyDiscovery, type PeerItem } from '../transport/discovery.js';
import type { SessionSnapshot } from '../transport/session-types.js';
import { define } from './define.js';
import { PeerElement, inPerson } from './peer-element.js';

const MAX_NOTE = 280;

/** `a` narrowed to what `b` also has, or all of `a` when they share nothing. */
const shared = <T>(a: T[], b: readonly T[]): T[] => {
  const both = a.filter((x) => b.includes(x));
  return both.length ? both : a;
};
/**
 * Each peer's key in the ids of their item (`p3`, `a3`, `r3`) and of their cancel confirmation (`c3`): the order
 * in which the page first listed them. Not their place in the list, which changes (a block removes one, an earlier
 * partner on a later page moves up), nor their id, which may hold any character.
 */
const keys = new Map<string, number>();
const key = ({ id }: PeerItem): number => keys.get(id) ?? keys.set(id, keys.size).size - 1;
/** An offset from UTC in minutes, as "UTC+05:30" (less than a day: the time of day that many minutes after midnight). */
const utc = (minutes: number): string => `UTC${minutes < 0 ? '−' : '+'}${new Date(Math.abs(minutes) * 6e4).toISOString().slice(11, 16)}`;

/**
 * Lets a learner opt in to be found by other learners of the course, with a
 * short profile (what and how, languages, time zone, weekly availability in
 * local time, a city only for in-person meetings, a note), then lists the
 * learners who fit, ranked by the endpoint with the reasons why, partners from
 * an earlier course first. From the list the learner asks someone to study
 * together (and may cancel while it waits), blocks or reports someone (one
 * form: a reason reports to the course's staff, a tick blocks); they
 * edit their profile or stop looking at any time (they leave every list at
 * once), and see the outcome of the course's automatic matching. Its code and
 * messages are chunks of their own, loaded only by pages that hold the tag.
 *
 * @tagname tandem-peers
 * @fires tandem-error - A call failed (detail: `{code, message}`).
 * @fires tandem-request-sent - And any other event the endpoint wrote for a request (detail: the event).
 * @csspart panel - The element's box.
 * @csspart form - The profile form and the block-or-report form.
 * @csspart button - Every button and button-like link.
 * @csspart peer - One learner in the list.
 * @csspart note - A learner's note.
 * @csspart safety - The in-person safety notice.
 * @csspart banner - The offline notice.
 * @csspart notice - The automatic matching outcome; the "saved on this device only" notice.
 * @csspart status - The polite status line.
 * @csspart error - The error line and the configuration error.
 * @cssprop --tandem-accent - Buttons and choices (default: #1a5fb4).
 * @cssprop --tandem-border-color - Borders (default: #c4c7cc; fields #767676).
 * @cssprop --tandem-focus-color - Keyboard focus outline (default: #e66100).
 * @cssprop --tandem-muted-color - Secondary text (default: #555).
 * @cssprop --tandem-error-color - Error text (default: #b3261e).
 * @cssprop --tandem-radius - Corner radius (default: 0.5rem).
 * @cssprop --tandem-spacing - Inner spacing (default: 1rem).
 */
export class TandemPeers extends PeerElement {
  static override properties: PropertyDeclarations = {
    editing: { state: true },
    noteLength: { state: true },
    items: { state: true },
    more: { state: true },
    reporting: { state: true },
  };

  /** The profile form is open. */
  private editing?: boolean;
  private noteLength?: number;
  /** The ranked peers loaded so far; undefined while the first page loads, null when loading failed. */
  private items?: PeerItem[] | null;
  /** The next page to load, if the endpoint has more. */
  private more?: number | false;
  /** The peer whose report form is open, with the report's id (kept for a resend). */
  private reporting?: { peer: PeerItem; id: string } | null;
  /** A further page is on its way: "Show more" loads it once, however often it is pressed meanwhile. */
  #loading?: boolean;

  protected override load(learner?: string): void {
    this.items = this.reporting = undefined;
    this.editing = false;
    if (learner) void this.#discover();
  }

  /** Loads the learner's status (unless known), then, opted in, the ranked list from its first page. */
  async #discover(): Promise<void> {
    this.items = undefined;
    this.error = '';
    if (!this.mine) await this.fetch('mine');
    if (this.mine?.profile) void this.#load(0);
  }

  async #load(page: number): Promise<void> {
    const turn = this.turn;
    this.#loading = true;
    const reply = await loadPeers(this.bound!, page);
    this.#loading = false;
    if (turn != this.turn) return;
    if (!reply.ok) {
      this.error = this.failure(reply.code);
      // Opted out meanwhile (in another tab): back to the start.
      if (reply.code == 'not_opted_in') this.mine = { ...this.mine!, profile: null };
      if (!page) this.items = null;
      return;
    }
    const before = page ? this.items! : [];
    // Someone listed again (the ranking moved between pages) stays where they were.
    const fresh = reply.value.items.filter((p) => !before.some((q) => q.id == p.id));
    const items = [...before, ...fresh];
    // Partners from an earlier course first, as the endpoint ranks them: one found on a later page joins them.
    this.items = [...items.filter((p) => p.earlierPartner), ...items.filter((p) => !p.earlierPartner)];
    this.more = reply.value.hasMore && page + 1;
    // From "Show more", to the first learner it added (or to the list, if it added none).
    if (page) void this.focusAfterRender(fresh[0] ? `#p${key(fresh[0])}` : '#list');
  }

  #edit(): void {
    const profile = this.mine!.profile;
    this.editing = true;
    this.invalid = [];
    this.chosen = profile?.modalities;
    this.noteLength = profile?.note?.length ?? 0;
    this.status = this.error = '';
    void this.focusAfterRender('input');
  }

  async #save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const all = (name: string): string[] => data.getAll(name) as string[];
    const text = (name: string): string => String(data.get(name) ?? '').trim();
    const note = text('note');
    // A city only goes with an in-person modality ticked, where the course takes cities (its field is there only then).
    const city = inPerson(all('modalities')) && text('city');
    const profile = {
      objects: all('objects'),
      modalities: all('modalities'),
      languages: all('languages'),
      utcOffsetMinutes: +data.get('zone')!,
      slots: all('slots').map(Number),
      ...(note && { note }),
      ...(city && { city }),
      ...(this.mine!.options.pool && { autoMatch: data.has('auto') }),
    } as PeerProfileInput;
    this.invalid = [
      // Languages: 1 to 5; the others: at least one.
      ...(['objects', 'modalities', 'languages', 'slots'] as const).filter((field) => !profile[field].length || (field == 'languages' && profile[field].length > 5)),
      ...(note.length > MAX_NOTE ? ['note'] : []),
    ];
    if (this.invalid.length) return void this.focusAfterRender('[data-invalid] input,[aria-invalid=true]');
    const reply = await this.call((session) => saveProfile(session, profile));
    if (reply.ok) {
      this.mine = { ...this.mine!, profile: reply.value };
      this.editing = false;
      this.status = this.t('profile.saved');
      void this.#discover();
      void this.focusAfterRender('#list');
    }
  }

  /**
   * The safety form's answer: a report (to the course's staff, blocking too if
   * ticked) when a reason is chosen, else a block alone. A blocked peer leaves
   * the list, and focus goes to the list's heading.
   */
  async #report(event: SubmitEvent, key: number): Promise<void> {
    event.preventDefault();
    const { peer, id } = this.reporting!;
    const data = new FormData(event.target as HTMLFormElement);
    const reason = data.get('reason') as SendReport['reason'] | null;
    const details = String(data.get('details')).trim();
    const blocked = data.has('block');
    this.invalid = reason || blocked ? [] : ['reason'];
    if (this.invalid[0]) return void this.focusAfterRender('[data-invalid] input');
    const reply = await this.call((session) =>
      reason ? sendReport(session, { id, peer: peer.id, reason, ...(details && { details }), ...(blocked && { block: true }) }) : block(session, peer.id),
    );
    if (!reply.ok) return;
    this.reporting = null;
    if (blocked) this.items = this.items!.filter((p) => p != peer);
    void this.focusAfterRender(blocked ? '#list' : `#r${key}`);
    this.status = this.t(reason ? 'report.sent' : 'peers.blocked', { name: peer.name });
  }

  protected override content(snapshot: SessionSnapshot): TemplateResult {
    const { t } = this;
    const mine = this.mine;
    const pool = mine?.pool;
    const items = this.items;
    // What failed to load (null) offers to try again; what is on its way (undefined) keeps its place.
    const wait = (what: unknown): TemplateResult =>
      what === null
        ? html`<button part=button class=alt @click=${this.#discover}>${t('peers.retry')}</button>`
        : html`<p class="placeholder muted">${t('common.loading')}</p>`;
    return html`<h2>${t('peers.title')}</h2>${
      this.gate(snapshot, 'peers.signed-out' as MessageId) ??
      (!mine
        ? wait(mine)
        : this.editing
          ? this.#form(mine)
          : !mine.profile
            ? html`<p>${t('peers.intro')}</p><button part=button class=start @click=${this.#edit}>${t('peers.start')}</button>`
            : html`${
                pool ? html`<div part=notice><p>${t(pool.outcome == 'matched' ? 'pool.matched' : 'pool.none')}</p>${this.reasons(pool.reasons)}</div>` : ''
              }<div class=row><button part=button class="alt edit" @click=${this.#edit}>${t('peers.edit')}</button>${this.confirmable(
                'stop',
                'peers.stop' as MessageId,
                'peers.confirm-stop' as MessageId,
                async () => {
                  if ((await this.call(optOut)).ok) {
                    this.mine = { ...mine, profile: null };
                    this.status = t('peers.stopped');
                    void this.focusAfterRender('.start');
                  }
                },
              )}</div><h3 id=list tabindex=-1>${t('peers.list')}</h3>${
                !items
                  ? wait(items)
                  : items.length
                    ? html`<ul>${items.map((peer) => this.#peer(peer, key(peer)))}</ul>${
                        this.more
                          ? html`<button part=button class=alt ?disabled=${this.busy} @click=${() => this.#loading || this.#load(this.more as number)}>${t('peers.more')}</button>`
                          : ''
                      }`
                    : html`<p>${t('peers.empty')}</p>`
              }`)
    }`;
  }

  #peer(peer: PeerItem, key: number): TemplateResult {
    const { t } = this;
    const request = this.sentTo(peer.id);
    const reporting = this.reporting?.peer == peer;
    const profile = this.mine!.profile!;
    return html`<li part=peer aria-labelledby="p${key}"><h4 id="p${key}" tabindex=-1>${peer.name}</h4>${
      peer.note ? html`<p part=note>${peer.note}</p>` : ''
    }${this.whatHow(peer)}${this.reasons(peer.reasons)}<div class=row>${
      request
        ? html`<p><strong>${t('peers.sent')}</strong></p>${this.confirmable(`c${key}`, 'peers.cancel' as MessageId, 'peers.confirm-cancel' as MessageId, async () => {
            if (await this.answer(request, 'cancel')) {
              this.status = t('peers.cancelled');
              void this.focusAfterRender(`#a${key}`);
            }
          })}`
        : html`<button part=button id="a${key}" ?disabled=${this.busy} @click=${async () => {
            // The button gives way to "Request sent" and "Cancel request", where focus goes (not to the page).
            if (await this.ask(peer.id, peer.earlierPartner ? 'earlier' : 'peers', shared(profile.objects, peer.objects), shared(profile.modalities, peer.modalities))) {
              void this.focusAfterRender(`#p${key}~.row button`);
            }
          }}>${t(peer.earlierPartner ? 'peers.again' : 'peers.ask')}</button>`
    }<button part=button class=alt id="r${key}" aria-expanded=${reporting} @click=${() => {
      this.reporting = reporting ? null : { peer, id: crypto.randomUUID() };
      this.invalid = [];
      if (!reporting) void this.focusAfterRender('form input');
    }}>${t('peers.report')}</button></div>${
      reporting
        ? html`<form part=form novalidate aria-label=${t('peers.report')} @submit=${(event: SubmitEvent) => this.#report(event, key)}>${this.boxes(
            'reason',
            'report.reason',
            REPORT_REASONS,
            this.label('report'),
            [],
            'invite.need',
            'radio',
          )}<label for=details>${t('report.details')}</label><textarea id=details name=details maxlength=1000 rows=3></textarea><label><input type=checkbox name=block />${t(
            'report.block',
            { name: peer.name },
          )}</label><div class=row><button part=button ?disabled=${this.busy}>${t('peers.report')}</button><button part=button type=button class=alt @click=${() => {
            this.reporting = null;
            void this.focusAfterRender(`#r${key}`);
          }}>${t('profile.cancel')}</button></div></form>`
        : ''
    }</li>`;
  }

  #form({ profile, options }: MyDiscovery): TemplateResult {
    const { t } = this;
    const wrong = (field: string): boolean => !!this.invalid?.includes(field);
    // The languages offered: the learner's own, else the page's, then a few widely spoken ones.
    const spoken = profile?.languages ?? [(this.config?.lang || document.documentElement.lang).slice(0, 2).toLowerCase() || 'en'];
    const detected = -new Date().getTimezoneOffset();
    const zone = profile?.utcOffsetMinutes ?? detected;
    const count = this.noteLength!;
    // The modalities ticked: an in-person one brings the safety notice and the city.
    const how = this.chosen ?? [];
    return html`<form part=form novalidate @submit=${this.#save} @change=${this.pick}>${this.boxes('objects', 'invite.what', options.objects, this.label('object'), profile?.objects)}${this.boxes(
      'modalities',
      'invite.how',
      options.modalities,
      this.label('modality'),
      profile?.modalities,
    )}${this.safety(how)}${
      options.city && inPerson(how)
        ? html`<label for=city>${t('profile.city')}</label><input id=city name=city maxlength=80 autocomplete=address-level2 .value=${profile?.city ?? ''} />`
        : ''
    }${this.boxes(
      'languages',
      'profile.languages',
      [...new Set([...spoken, 'en', 'fr', 'es', 'de', 'pt', 'ar', 'zh'])],
      this.language,
      spoken,
      'profile.languages-need',
    )}<label for=zone>${t('profile.zone', {
      zone: `${Intl.DateTimeFormat().resolvedOptions().timeZone}, ${utc(detected)}`,
    })}</label><select id=zone name=zone>${[
      // Every whole hour, and the detected and saved offsets (India's +5:30…).
      ...new Set([...Array.from({ length: 27 }, (_, h) => (h - 12) * 60), detected, zone]),
    ]
      .sort((a, b) => a - b)
      .map((m) => html`<option value=${m} ?selected=${m == zone}>${utc(m)}</option>`)}</select><fieldset ?data-invalid=${wrong('slots')} aria-describedby="when-hint${wrong('slots') ? ' slots-error' : ''}"><legend>${t(
      'profile.when',
    )}</legend><p id=when-hint class=muted>${t('profile.when-hint')}</p><table><tr><td></td>${PARTS_OF_DAY.map(
      (part) => html`<th scope=col>${t(`part.${part}`)}</th>`,
    )}</tr>${Array.from({ length: 7 }, (_, d) => {
      // 1 January 2024 was a Monday: the week's days in the page's language, Monday first as the slots count them.
      const day = new Date(2024, 0, 1 + d).toLocaleString(this.locale, { weekday: 'long' });
      return html`<tr><th scope=row>${day}</th>${PARTS_OF_DAY.map(
        (part, p) =>
          html`<td><label><input type=checkbox name=slots value=${d * 4 + p} aria-label="${day}, ${t(`part.${part}`)}" ?checked=${profile?.slots.includes(
            d * 4 + p,
          )} /></label></td>`,
      )}</tr>`;
    })}</table>${wrong('slots') ? html`<p id=slots-error class=error>${t('invite.need')}</p>` : ''}</fieldset><label for=note>${t(
      'profile.note',
    )}</label><textarea id=note name=note maxlength=${MAX_NOTE} rows=3 aria-invalid=${wrong('note')} aria-describedby=note-count .value=${profile?.note ?? ''} @input=${(event: Event) => (this.noteLength = (event.target as HTMLTextAreaElement).value.length)}></textarea><p id=note-count class=${
      count > MAX_NOTE ? 'error' : 'muted'
    }>${t('profile.count', { count })}</p>${
      options.pool ? html`<label><input type=checkbox name=auto ?checked=${profile?.autoMatch} />${t('profile.auto')}</label>` : ''
    }<div class=row><button part=button ?disabled=${this.busy}>${t('profile.save')}</button><button part=button type=button class=alt @click=${() => {
      this.editing = false;
      void this.focusAfterRender(profile ? '.edit' : '.start');
    }}>${t('profile.cancel')}</button></div></form>`;
  }
}

define('tandem-peers', TandemPeers);

declare global {
  interface HTMLElementTagNameMap {
    'tandem-peers': TandemPeers;
  }
}
