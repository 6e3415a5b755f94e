/**
 * <tandem-dashboard> against a fake endpoint (an injected fetch) with timers fired by hand:
 * - states, each checked with axe: loading, loaded (full data), loaded with withheld counts, refreshing
 *   (on its own: silent; asked for: announced), a network error with the last figures kept, 403, an
 *   unreadable answer, signed out, French
 * - the tables' content and CSV downloads (exact text, a withheld cell, a field that needs quotes)
 * - automatic refresh (period clamped to 30 s … 24 h, paused while the page is hidden, stopped while
 *   denied or signed out until a new configuration, sign-in or Retry) and the Refresh button
 * - the settings form (PUT body, the endpoint's answer shown, its 400 translated, local checks, the
 *   figures refreshed after a save) and "Run pool matching now" (POST, then polling every 2 s until
 *   done; withheld figures shown as in the tables)
 * - keyboard use, the script entry, the catalogues
 */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/elements/tandem-dashboard.js';
import type { TandemDashboard } from '../../../src/elements/tandem-dashboard.js';
import { realTimers } from '../../../src/elements/dashboard/stats-controller.js';
import { texts as dashboardEn } from '../../../src/i18n/dashboard-en.js';
import { texts as dashboardFr } from '../../../src/i18n/dashboard-fr.js';
import { DASHBOARD_MESSAGE_IDS } from '../../../src/i18n/dashboard-message-ids.js';
import { MESSAGE_IDS } from '../../../src/i18n/message-ids.js';
import {
  CONFIG,
  FakeDashboardEndpoint,
  RUN_ID,
  TOKEN_URL,
  all,
  errorBody,
  fullStats,
  json,
  mountDashboard,
  poolRun,
  settings,
  statsWithNulls,
  tableByCaption,
  tableText,
  token,
  until,
} from './dashboard-fixtures.js';
import { buttonByText, capturingErrors, shadow, text, unmountAll } from './fixtures.js';

/** "Updated at 09:41" as the element words it, in the test machine's time zone. */
const clock = (iso: string, locale = 'en'): string => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
const loaded = (el: TandemDashboard) => until(el, () => el.shadowRoot!.querySelector('table'), 'the tables');
const status = (el: TandemDashboard): string => shadow(el, 'header [role="status"]').textContent ?? '';
const alert = (el: TandemDashboard): string => shadow(el, 'header + [role="alert"]').textContent ?? '';

async function render(endpoint = new FakeDashboardEndpoint(), attributes?: Record<string, string>) {
  const mounted = await mountDashboard(endpoint, attributes);
  return { ...mounted, endpoint };
}

const statsCalls = (endpoint: FakeDashboardEndpoint): number => endpoint.requested().filter((r) => r == 'GET stats').length;

/** Lets pending fetches and renders run (a few macrotasks). */
const idle = async (el: TandemDashboard): Promise<void> => {
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 5));
    await el.updateComplete;
  }
};

/** Every text the header's polite status region ever held from now on (empty ones left out). */
function listen(el: TandemDashboard): string[] {
  const heard: string[] = [];
  new MutationObserver(() => {
    const said = status(el);
    if (said) heard.push(said);
  }).observe(shadow(el, 'header [role="status"]'), { childList: true, subtree: true, characterData: true });
  return heard;
}

/** A response the test releases when it wants. */
function later(): { answer: Promise<Response>; release: (response: Response) => void } {
  let release!: (response: Response) => void;
  return { answer: new Promise<Response>((resolve) => (release = resolve)), release };
}

describe('<tandem-dashboard>', () => {
  // The tab's own visibility is the browser's: run beside another test file, this one's tab may be in the background,
  // and the dashboard does not refresh a hidden page. Each test starts visible and says when it hides.
  // (The document's own property shadows Document.prototype's getter until it is deleted.)
  let visibility: DocumentVisibilityState;
  const show = (state: DocumentVisibilityState) => {
    visibility = state;
    document.dispatchEvent(new Event('visibilitychange'));
  };
  beforeEach(() => {
    visibility = 'visible';
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
  });
  afterEach(() => {
    unmountAll();
    delete (document as { visibilityState?: unknown }).visibilityState;
  });

  describe('states', () => {
    it('loading: a fixed skeleton under the final header, "Loading…" said politely, busy', async () => {
      const { el, endpoint } = await render(new FakeDashboardEndpoint({ 'GET stats': 'hang' }));
      await until(el, () => endpoint.calls.length);
      expect(all(el, '.skeleton')).to.have.length(2);
      expect(all(el, '.skeleton').every((s) => s.getAttribute('aria-hidden') == 'true')).to.equal(true);
      const heights = all(el, '.skeleton').map((s) => s.getBoundingClientRect().height);
      expect(heights.every((h) => h > 100)).to.equal(true);
      expect(status(el)).to.equal('Loading…');
      expect(shadow(el, '[part="panel"]').getAttribute('aria-busy')).to.equal('true');
      expect(shadow(el, 'h2').textContent).to.equal('Study groups in Climate Science 101');
      expect(buttonByText(el, 'Refresh').disabled).to.equal(true);
      expect(all(el, 'table')).to.have.length(0);
      // The instructor's token, as a bearer token, on the stats route; the settings wait until the figures say staff.
      expect(endpoint.calls[0]).to.deep.include({ route: 'GET stats', authorization: `Bearer ${CONFIG.token}` });
      expect(endpoint.requested()).to.deep.equal(['GET stats']);
      await expect(el).to.be.accessible();
    });

    it('loaded: every section with real tables, charts hidden beside them, the time of the figures', async () => {
      const { el, endpoint } = await render();
      await loaded(el);
      expect(shadow(el, '[part="panel"]').getAttribute('aria-busy')).to.equal('false');
      expect(all(el, 'h3').map((h) => h.textContent)).to.deep.equal([
        'Who pairs up, to do what, and how',
        'Groups: sizes and life',
        'From invite to group',
        'Persistence',
        'Course settings',
      ]);
      expect(all<HTMLTableElement>(el, 'table').map((t) => t.caption?.textContent)).to.deep.equal([
        'Groups by relationship',
        'Groups by what they do together',
        'Groups by how they work together',
        'Relationship and what they do together',
        'Relationship and how they work together',
        'Groups and members',
        'Active groups by size',
        'Groups formed each week (whole weeks)',
        'Steps from asking to studying together',
        'Completion and progress',
      ]);
      expect(tableText(tableByCaption(el, 'Groups by relationship'))).to.deep.equal([
        ['Relationship', 'Groups'],
        ['Known outside the MOOC'],
        ['Family', '6'],
        ['Friend', '20'],
        ['Colleague', '9'],
        ['Classmate', '7'],
        ['Known in a MOOC'],
        ['Met in an earlier course', '5'],
        ['Met in this course', '12'],
      ]);
      const cross = tableText(tableByCaption(el, 'Relationship and what they do together'));
      expect(cross[0]).to.deep.equal(['Relationship', 'Team activities', 'Quizzes and assignments', 'Watch the videos', 'Talk about the course', 'Help each other', 'Keep each other going']);
      expect(cross[3]).to.deep.equal(['Friend', '5', '5', '5', '12', '14', '10']);
      expect(tableText(tableByCaption(el, 'Steps from asking to studying together'))).to.deep.equal([
        ['Step', 'Count', 'Of the step before'],
        ['Invites'],
        ['Created', '80', 'n/a'],
        ['Opened', '60', '75%'],
        ['Accepted', '45', '75%'],
        ['Study requests'],
        ['Sent', '20', 'n/a'],
        ['Accepted', '10', '50%'],
        ['Pool matching'],
        ['Learners who opted in', '30', 'n/a'],
        ['Matched by the pool', '24', '80%'],
      ]);
      expect(text(el)).to.contain('Median time from invite to acceptance: 3.5 h');
      expect(tableText(tableByCaption(el, 'Completion and progress')).slice(0, 4)).to.deep.equal([
        ['Who', 'Learners', 'Completed', 'Completion rate', 'Mean progress'],
        ['In a group or not'],
        ['In a group', '100', '40', '40%', '62%'],
        ['Alone', '200', '30', '15%', '31%'],
      ]);
      // Nobody in a row: no rate and no mean, said as not applicable (not as withheld).
      expect(tableText(tableByCaption(el, 'Completion and progress')).at(-1)).to.deep.equal(['Met in this course', '0', '0', 'n/a', 'n/a']);
      expect(tableText(tableByCaption(el, 'Groups formed each week (whole weeks)')).slice(1)).to.deep.equal([
        ['Nov 2, 2026', '20'],
        ['Nov 9, 2026', '12'],
        ['Nov 16, 2026', '0'],
        ['Nov 23, 2026', '16'],
      ]);
      // Headers say what they head; row groups too.
      for (const table of all<HTMLTableElement>(el, 'table')) {
        expect(table.querySelectorAll('thead th[scope="col"]').length, table.caption?.textContent ?? '').to.equal(table.rows[0]!.cells.length);
        for (const row of table.tBodies[0]!.rows) expect(row.cells[0]!.getAttribute('scope')).to.be.oneOf(['row', 'rowgroup']);
      }
      // Each table scrolls in a focusable region named by its caption.
      for (const region of all(el, '.scroll')) {
        expect(region.getAttribute('role')).to.equal('region');
        expect(region.tabIndex).to.equal(0);
        expect(shadow(el, `#${region.getAttribute('aria-labelledby')}`).localName).to.equal('caption');
      }
      // Charts: drawn in a viewBox, hidden from assistive technologies (the table beside is the accessible source).
      const charts = all(el, 'svg');
      expect(charts).to.have.length(7);
      for (const chart of charts) {
        expect(chart.getAttribute('aria-hidden')).to.equal('true');
        expect(chart.getAttribute('viewBox')).to.match(/^0 0 300 \d+/);
      }
      expect(all(el, '.legend')).to.have.length(0);
      expect(shadow(el, '#updated').textContent).to.equal(`Updated at ${clock('2026-11-27T09:41:00Z')}`);
      expect(status(el)).to.equal('');
      expect(alert(el)).to.equal('');
      expect(text(el)).to.contain('A group counts once under each code it carries');
      expect(text(el)).to.contain('correlation, not proof');
      expect(endpoint.requested()).to.deep.equal(['GET stats', 'GET settings']);
      await expect(el).to.be.accessible();
    });

    it('loaded with withheld counts: "—" named "withheld", the legend with the threshold, no rate from a withheld count', async () => {
      const { el } = await render(new FakeDashboardEndpoint({ 'GET stats': json(200, statsWithNulls()) }));
      await loaded(el);
      const relationship = tableByCaption(el, 'Groups by relationship');
      expect(tableText(relationship)[2]).to.deep.equal(['Family', '—withheld']);
      const cell = relationship.rows[2]!.cells[1]!;
      expect(cell.querySelector('[aria-hidden="true"]')!.textContent).to.equal('—');
      expect(cell.querySelector('.sr')!.textContent).to.equal('withheld');
      expect(tableText(tableByCaption(el, 'Steps from asking to studying together')).slice(2, 8)).to.deep.equal([
        ['Created', '30', 'n/a'],
        ['Opened', '—withheld', '—withheld'],
        ['Accepted', '12', '—withheld'],
        ['Study requests'],
        ['Sent', '—withheld', 'n/a'],
        ['Accepted', '—withheld', '—withheld'],
      ]);
      const persistence = tableText(tableByCaption(el, 'Completion and progress'));
      expect(persistence[5]).to.deep.equal(['Family', '—withheld', '—withheld', '—withheld', '—withheld']);
      expect(persistence[6]).to.deep.equal(['Friend', '40', '—withheld', '—withheld', '66%']);
      expect(text(el)).to.contain('Median time from invite to acceptance: withheld, or no acceptance yet.');
      // A legend under each table that shows a withheld count, and only those.
      const legends = all(el, '.legend');
      expect(legends.map((l) => l.closest('.table')!.querySelector('caption')!.textContent)).to.deep.equal([
        'Groups by relationship',
        'Groups by how they work together',
        'Groups and members',
        'Active groups by size',
        'Groups formed each week (whole weeks)',
        'Steps from asking to studying together',
        'Completion and progress',
      ]);
      expect(legends[0]!.textContent).to.equal(
        '—: withheld (fewer than 5, or withheld so that a small count cannot be worked out). In CSV files: an empty field.',
      );
      // Charts draw a withheld count as a dashed stub, never as a bar of some length.
      expect(all(el, 'svg .hole').length).to.be.greaterThan(0);
      await expect(el).to.be.accessible();
    });

    it('refreshing on its own: the figures stay, nothing said, Refresh disabled until the answer', async () => {
      const { el, endpoint, timers } = await render();
      await loaded(el);
      const heard = listen(el);
      endpoint.answer({ 'GET stats': 'hang' });
      timers.fire(60_000);
      await until(el, () => buttonByText(el, 'Refresh').disabled, 'the refresh under way');
      expect(statsCalls(endpoint)).to.equal(2);
      expect(status(el)).to.equal('');
      expect(heard).to.deep.equal([]);
      expect(all(el, 'table')).to.have.length(10);
      expect(shadow(el, '[part="panel"]').getAttribute('aria-busy')).to.equal('false');
      await expect(el).to.be.accessible();
    });

    it('refreshing on demand: the figures stay, "Updating…" said politely, Refresh disabled until the answer', async () => {
      const { el, endpoint } = await render();
      await loaded(el);
      endpoint.answer({ 'GET stats': 'hang' });
      buttonByText(el, 'Refresh').click();
      await until(el, () => status(el));
      expect(status(el)).to.equal('Updating…');
      expect(all(el, 'table')).to.have.length(10);
      expect(buttonByText(el, 'Refresh').disabled).to.equal(true);
      expect(shadow(el, '[part="panel"]').getAttribute('aria-busy')).to.equal('false');
      await expect(el).to.be.accessible();
    });

    it('network error on refresh: the last figures stay, with their time and Retry', async () => {
      const { el, endpoint, timers } = await render();
      await loaded(el);
      endpoint.answer({ 'GET stats': 'network' });
      timers.fire(60_000);
      await until(el, () => alert(el));
      expect(alert(el)).to.equal(`Could not refresh: these figures are from ${clock('2026-11-27T09:41:00Z')}.`);
      expect(all(el, 'table')).to.have.length(10);
      expect(tableText(tableByCaption(el, 'Groups by relationship'))[2]).to.deep.equal(['Family', '6']);
      await expect(el).to.be.accessible();
      // Retry asks again; the new figures replace the old and the alert goes.
      endpoint.answer({ 'GET stats': json(200, fullStats({ generatedAt: '2026-11-27T10:12:00Z' })) });
      buttonByText(el, 'Retry').click();
      await until(el, () => !alert(el));
      expect(status(el)).to.equal(`Updated at ${clock('2026-11-27T10:12:00Z')}`);
      expect(endpoint.requested().filter((r) => r == 'GET stats')).to.have.length(3);
    });

    it('network error before any figures: says the endpoint is unreachable, offers Retry', async () => {
      const { el } = await render(new FakeDashboardEndpoint({ 'GET stats': 'network' }));
      await until(el, () => alert(el));
      expect(alert(el)).to.equal('Could not reach the endpoint.');
      expect(all(el, '.skeleton')).to.have.length(0);
      buttonByText(el, 'Retry');
      await expect(el).to.be.accessible();
    });

    it('403 (a learner’s token): a clear message and no figures, not even earlier ones', async () => {
      const { el, endpoint } = await render(
        new FakeDashboardEndpoint({ 'GET stats': json(403, errorBody('forbidden', 'Only the course’s staff may do this.')) }),
        { ...CONFIG, token: token('learner') },
      );
      await until(el, () => alert(el));
      expect(alert(el)).to.equal('Only the course’s instructors can see this dashboard.');
      expect(all(el, 'button')).to.have.length(0);
      expect(all(el, 'table, svg, form, .skeleton')).to.have.length(0);
      expect(endpoint.requested()).to.deep.equal(['GET stats']);
      await expect(el).to.be.accessible();

      // The same after figures were shown (the role was taken away): they go.
      const second = await render(new FakeDashboardEndpoint());
      await loaded(second.el);
      second.endpoint.answer({ 'GET stats': json(403, errorBody('forbidden')) });
      buttonByText(second.el, 'Refresh').click();
      await until(second.el, () => !second.el.shadowRoot!.querySelector('table'));
      expect(text(second.el)).to.contain('Only the course’s instructors can see this dashboard.');
      expect(second.timers.delays()).to.deep.equal([]);
    });

    it('an unreadable answer: a translated error, no crash; figures already shown stay', async () => {
      const malformed = { ...fullStats(), groups: { formed: 'many' } };
      const { el } = await render(new FakeDashboardEndpoint({ 'GET stats': json(200, malformed) }));
      await until(el, () => alert(el));
      expect(alert(el)).to.equal('The endpoint sent an answer the dashboard cannot read.');
      expect(all(el, 'table')).to.have.length(0);
      await expect(el).to.be.accessible();

      for (const bad of [
        new Response('<html>proxy error page</html>', { status: 200 }),
        // A cross-table narrower than the columns it follows.
        json(200, { ...fullStats(), typology: { ...fullStats().typology, relationshipByObject: [{ relationship: 'family', counts: [1] }] } }),
        json(200, { ...fullStats(), threshold: 1 }),
      ]) {
        const again = await render(new FakeDashboardEndpoint());
        await loaded(again.el);
        again.endpoint.answer({ 'GET stats': bad });
        again.timers.fire(60_000);
        await until(again.el, () => alert(again.el));
        expect(alert(again.el)).to.equal(`The endpoint sent an answer the dashboard cannot read. Could not refresh: these figures are from ${clock('2026-11-27T09:41:00Z')}.`);
        expect(all(again.el, 'table')).to.have.length(10);
      }
    });

    it('signed out: no token asks to sign in (with the sign-in link when there is one); a rejected token asks again', async () => {
      const { token: _, ...noToken } = CONFIG;
      const { el, endpoint } = await render(new FakeDashboardEndpoint(), { ...noToken, 'enroll-url': 'https://mooc.example.org/login' });
      await until(el, () => el.shadowRoot!.querySelector('a'));
      expect(text(el)).to.contain('Sign in as an instructor of this course to see its dashboard.');
      expect(shadow<HTMLAnchorElement>(el, 'a').href).to.equal('https://mooc.example.org/login');
      expect(endpoint.calls).to.have.length(0);
      // Nothing to ask again on its own, and no token URL that might answer otherwise: no Retry.
      expect(all(el, 'button')).to.have.length(0);
      await expect(el).to.be.accessible();

      const rejected = await render(new FakeDashboardEndpoint({ 'GET stats': json(401, errorBody('token_invalid')) }));
      await until(rejected.el, () => text(rejected.el).includes('Please sign in again.'));
      expect(all(rejected.el, 'table')).to.have.length(0);
    });

    it('French: the dashboard’s texts, the typology’s labels of the learner widget, French numbers and dates', async () => {
      const { el } = await render(new FakeDashboardEndpoint({ 'GET stats': json(200, statsWithNulls()) }), { ...CONFIG, lang: 'fr' });
      await loaded(el);
      expect(shadow(el, 'h2').textContent).to.equal('Groupes d’étude de Climate Science 101');
      expect(tableText(tableByCaption(el, 'Groupes par relation')).slice(0, 3)).to.deep.equal([['Relation', 'Groupes'], ['Connu·e hors du MOOC'], ['Famille', '—masqué']]);
      expect(tableText(tableByCaption(el, 'Achèvement et progression'))[2]).to.deep.equal(['En groupe', '100', '40', '40 %', '62 %']);
      expect(text(el)).to.contain('— : masqué (moins de 5');
      expect(tableText(tableByCaption(el, 'Groupes formés chaque semaine (semaines terminées)'))[1]![0]).to.equal('16 nov. 2026');
      expect(buttonByText(el, 'Actualiser')).to.exist;
      expect(shadow(el, 'button.csv').textContent).to.equal('Télécharger en CSV (Groupes par relation)');
      await expect(el).to.be.accessible();
    });

    it('a course’s message overrides apply to the dashboard and to the labels it shares with the learner widget', async () => {
      const { el } = await render(new FakeDashboardEndpoint(), { ...CONFIG, messages: JSON.stringify({ 'relationship.family': 'Kin', 'dash.refresh': 'Reload' }) });
      await loaded(el);
      expect(tableText(tableByCaption(el, 'Groups by relationship'))[2]).to.deep.equal(['Kin', '6']);
      buttonByText(el, 'Reload');
    });

    it('a configuration error: named and translated, logged once, nothing fetched', async () => {
      const endpoint = new FakeDashboardEndpoint();
      const errors = await capturingErrors(async () => {
        const { el } = await render(endpoint, { course: 'demo-mooc-101', token: token() });
        expect(shadow(el, '[role="alert"]').textContent).to.contain('endpoint: missing, expected an absolute http(s) URL');
        await expect(el).to.be.accessible();
      });
      expect(errors.map((e) => e[0])).to.deep.equal(['Tandem <tandem-dashboard>: endpoint missing']);
      expect(endpoint.calls).to.have.length(0);
    });
  });

  describe('CSV', () => {
    it('the exact text of a table: RFC 4180, a quoted label, a withheld count as an empty field', async () => {
      const { el } = await render(new FakeDashboardEndpoint({ 'GET stats': json(200, statsWithNulls()) }));
      await loaded(el);
      expect(el.csv('typology-modality')).to.equal(
        'code,How,Groups\r\n' +
          'in-person-pair,"In person, the two of us",12\r\n' +
          'in-person-group,"In person, as a group",\r\n' +
          'social-network,Social network or messaging,18\r\n' +
          'synchronous,Phone or video call,25\r\n' +
          'email,Email,\r\n' +
          'shared-documents,Shared documents,9\r\n',
      );
      expect(el.csv('persistence')).to.equal(
        'code,Who,Learners,Completed,Completion rate (%),Mean progress (%)\r\n' +
          'grouped,In a group,100,40,40,62\r\n' +
          'alone,Alone,200,30,15,31\r\n' +
          'family,Family,,,,\r\n' +
          'friend,Friend,40,,,66\r\n' +
          'colleague,Colleague,18,6,33.3,50\r\n' +
          'classmate,Classmate,14,5,35.7,55\r\n' +
          'earlier-mooc,Met in an earlier course,10,5,50,60\r\n' +
          'this-mooc,Met in this course,0,0,,\r\n',
      );
    });

    it('Download CSV: a UTF-8 file named after the course and the table, its text the table’s; labels that start a formula are guarded', async () => {
      const course = 'course-v1:Org+Climate101+2026';
      const { el } = await render(new FakeDashboardEndpoint({}, course), { ...CONFIG, course, messages: JSON.stringify({ 'relationship.family': '=HYPERLINK("http://x")' }) });
      await loaded(el);
      const clicks: { href: string; download: string }[] = [];
      const blobs: Blob[] = [];
      const originalClick = HTMLAnchorElement.prototype.click;
      const originalCreate = URL.createObjectURL;
      HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
        clicks.push({ href: this.href, download: this.download });
      };
      URL.createObjectURL = (blob: Blob) => (blobs.push(blob), originalCreate.call(URL, blob));
      try {
        shadow<HTMLButtonElement>(el, 'button.csv').click();
      } finally {
        HTMLAnchorElement.prototype.click = originalClick;
        URL.createObjectURL = originalCreate;
      }
      expect(clicks).to.have.length(1);
      expect(clicks[0]!.download).to.equal('tandem-course-v1-Org-Climate101-2026-typology-relationship.csv');
      expect(blobs[0]!.type).to.equal('text/csv;charset=utf-8');
      const bytes = new Uint8Array(await blobs[0]!.arrayBuffer());
      expect([...bytes.slice(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
      const csv = new TextDecoder().decode(bytes);
      expect(csv).to.equal(el.csv('typology-relationship'));
      expect(csv.split('\r\n')[1]).to.equal(`family,"'=HYPERLINK(""http://x"")",6`);
    });
  });

  describe('refresh', () => {
    it('on its own every refresh-seconds, never under 30 s; Refresh asks at once and announces the time', async () => {
      const { el, endpoint, timers } = await render(new FakeDashboardEndpoint(), { ...CONFIG, 'refresh-seconds': '5' });
      await loaded(el);
      expect(timers.delays()).to.deep.equal([30_000]);
      timers.fire(30_000);
      await until(el, () => endpoint.requested().filter((r) => r == 'GET stats').length == 2 && !buttonByText(el, 'Refresh').disabled);
      expect(timers.delays()).to.deep.equal([30_000]);
      // An automatic refresh is not announced; one asked for is.
      endpoint.answer({ 'GET stats': json(200, fullStats({ generatedAt: '2026-11-27T10:00:00Z' })) });
      buttonByText(el, 'Refresh').click();
      await until(el, () => status(el).startsWith('Updated'));
      expect(status(el)).to.equal(`Updated at ${clock('2026-11-27T10:00:00Z')}`);
      // One timer at a time: the manual refresh replaced the scheduled one.
      expect(timers.delays()).to.deep.equal([30_000]);
      expect(endpoint.requested().filter((r) => r == 'GET stats')).to.have.length(3);

      const slow = await render(new FakeDashboardEndpoint(), { ...CONFIG, 'refresh-seconds': '90' });
      await loaded(slow.el);
      expect(slow.timers.delays()).to.deep.equal([90_000]);
    });

    it('never more than a day apart: a longer refresh-seconds is a day (a browser would run its timer at once)', async () => {
      for (const asked of ['86400', '2147484', '1e12', 'Infinity']) {
        const { el, timers } = await render(new FakeDashboardEndpoint(), { ...CONFIG, 'refresh-seconds': asked });
        await loaded(el);
        expect(el.periodMs, asked).to.equal(86_400_000);
        expect(timers.delays(), asked).to.deep.equal([86_400_000]);
        unmountAll();
      }
      // With the browser's own timers: 2,147,484 s (2^31 ms and more) once fetched again and again, at once.
      const endpoint = new FakeDashboardEndpoint();
      const { el } = await mountDashboard(endpoint, { ...CONFIG, 'refresh-seconds': '2147484' }, realTimers);
      await loaded(el);
      await new Promise((r) => setTimeout(r, 150));
      await el.updateComplete;
      expect(statsCalls(endpoint)).to.equal(1);
    });

    it('an automatic refresh changes only the visible time, and says nothing; one asked for is said', async () => {
      const { el, endpoint, timers } = await render();
      await loaded(el);
      const heard = listen(el);
      endpoint.answer({ 'GET stats': json(200, fullStats({ generatedAt: '2026-11-27T10:00:00Z' })) });
      timers.fire(60_000);
      await until(el, () => shadow(el, '#updated').textContent == `Updated at ${clock('2026-11-27T10:00:00Z')}`, 'the new time');
      await until(el, () => timers.delays().length == 1);
      expect(heard).to.deep.equal([]);
      expect(status(el)).to.equal('');
      // Nor when it fails and when it is tried again.
      endpoint.answer({ 'GET stats': 'network' });
      timers.fire(60_000);
      await until(el, () => alert(el));
      endpoint.answer({ 'GET stats': 'hang' });
      timers.fire(60_000);
      await until(el, () => statsCalls(endpoint) == 4 && buttonByText(el, 'Refresh').disabled);
      expect(heard).to.deep.equal([]);

      const second = await render();
      await loaded(second.el);
      const said = listen(second.el);
      second.endpoint.answer({ 'GET stats': json(200, fullStats({ generatedAt: '2026-11-27T10:05:00Z' })) });
      buttonByText(second.el, 'Refresh').click();
      await until(second.el, () => status(second.el).startsWith('Updated'));
      expect(said).to.deep.equal(['Updating…', `Updated at ${clock('2026-11-27T10:05:00Z')}`]);
    });

    it('after a 403 nothing is fetched again on its own, visible or not; a new token asks again', async () => {
      const { el, endpoint, timers } = await render(new FakeDashboardEndpoint({ 'GET stats': json(403, errorBody('forbidden')) }), { ...CONFIG, token: token('learner') });
      await until(el, () => alert(el));
      expect(alert(el)).to.equal('Only the course’s instructors can see this dashboard.');
      expect(timers.delays()).to.deep.equal([]);
      expect(timers.advance(Infinity)).to.equal(0);
      show('hidden');
      show('visible');
      expect(timers.advance(Infinity)).to.equal(0);
      await idle(el);
      expect(endpoint.requested()).to.deep.equal(['GET stats']);

      // A new configuration (an instructor's token now) starts again, and the figures refresh on their own again.
      endpoint.answer({ 'GET stats': json(200, fullStats()) });
      // (Made once: a token made again a second later expires a second later.)
      const instructor = token('instructor', 'teacher-2');
      el.setAttribute('token', instructor);
      await loaded(el);
      expect(endpoint.calls.at(-1)!.authorization).to.equal(`Bearer ${instructor}`);
      expect(timers.delays()).to.deep.equal([60_000]);
    });

    it('signed out, nothing is fetched again on its own; with a token URL, Retry asks it again', async () => {
      const { token: _, ...noToken } = CONFIG;
      const endpoint = new FakeDashboardEndpoint({ 'GET token-url': [json(200, { token: null }), json(200, { token: token() })] });
      const { el, timers } = await render(endpoint, { ...noToken, 'token-url': TOKEN_URL });
      await until(el, () => text(el).includes('Sign in as an instructor'));
      expect(timers.delays()).to.deep.equal([]);
      expect(timers.advance(Infinity)).to.equal(0);
      await idle(el);
      expect(endpoint.requested()).to.deep.equal(['GET token-url']);
      await expect(el).to.be.accessible();

      buttonByText(el, 'Retry').click();
      await loaded(el);
      expect(endpoint.requested().slice(0, 3)).to.deep.equal(['GET token-url', 'GET token-url', 'GET stats']);
      expect(timers.delays()).to.deep.equal([60_000]);

      // A token URL that fails (a failed sign-in) stops too.
      const failing = await render(new FakeDashboardEndpoint({ 'GET token-url': new Response('oops', { status: 500 }) }), { ...noToken, 'token-url': TOKEN_URL });
      await until(failing.el, () => all(failing.el, 'button').some((b) => b.textContent == 'Retry'), 'Retry');
      expect(all(failing.el, 'header button')).to.have.length(0);
      expect(failing.timers.delays()).to.deep.equal([]);
      buttonByText(failing.el, 'Retry').click();
      await until(failing.el, () => failing.endpoint.calls.length == 2);
      await idle(failing.el);
      expect(failing.timers.delays()).to.deep.equal([]);
    });

    it('signed out, a host script’s sign-in (a new token provider) asks again', async () => {
      const { token: _, ...noToken } = CONFIG;
      const tandem = (window as unknown as { Tandem: { setTokenProvider(provider: (() => string | null) | null): void } }).Tandem;
      try {
        tandem.setTokenProvider(() => null);
        const { el, endpoint, timers } = await render(new FakeDashboardEndpoint(), noToken);
        await until(el, () => text(el).includes('Sign in as an instructor'));
        expect(timers.delays()).to.deep.equal([]);
        expect(endpoint.calls).to.have.length(0);

        const instructor = token('instructor', 'teacher-3'); // made once: made again a second later, it expires a second later
        tandem.setTokenProvider(() => instructor);
        await loaded(el);
        expect(endpoint.calls[0]!.authorization).to.equal(`Bearer ${instructor}`);
        expect(timers.delays()).to.deep.equal([60_000]);

        // Signing out on the host: the figures go.
        tandem.setTokenProvider(() => null);
        await until(el, () => !el.shadowRoot!.querySelector('table'));
        expect(text(el)).to.contain('Sign in as an instructor');
        expect(timers.delays()).to.deep.equal([]);
      } finally {
        tandem.setTokenProvider(null);
      }
    });

    it('pauses while the page is hidden; back, refreshes at once if stale, else when due', async () => {
      let now = 1_000_000;
      const endpoint = new FakeDashboardEndpoint();
      const { el, timers } = await mountDashboard(endpoint, CONFIG);
      el.now = () => now;
      // The first fetch ended on the real clock: refresh once on this one.
      await loaded(el);
      buttonByText(el, 'Refresh').click();
      await until(el, () => endpoint.calls.filter((c) => c.route == 'GET stats').length == 2 && !status(el).startsWith('Updating'));
      expect(timers.delays()).to.deep.equal([60_000]);

      show('hidden');
      expect(timers.delays()).to.deep.equal([]);
      now += 20_000;
      show('visible');
      // 20 s old: the rest of the period.
      expect(timers.delays()).to.deep.equal([40_000]);
      expect(endpoint.calls.filter((c) => c.route == 'GET stats')).to.have.length(2);

      show('hidden');
      now += 120_000;
      show('visible');
      // Stale: at once.
      await until(el, () => endpoint.calls.filter((c) => c.route == 'GET stats').length == 3);
      await until(el, () => timers.delays().length == 1);
      expect(timers.delays()).to.deep.equal([60_000]);
    });

    it('stops when the element leaves the page', async () => {
      const { el, timers } = await render();
      await loaded(el);
      el.remove();
      expect(timers.delays()).to.deep.equal([]);
    });
  });

  describe('settings and pool matching', () => {
    it('the form shows what the endpoint answered; Save sends exactly the form’s values and shows the answer', async () => {
      const answered = settings({ groupSize: 4, objects: ['discuss', 'mutual-help'], modalities: ['email'], inviteLifetimeDays: 30, city: true, poolEveryHours: 0, suppressionThreshold: 7 });
      const { el, endpoint } = await render(new FakeDashboardEndpoint({ 'PUT settings': json(200, answered) }));
      await until(el, () => el.shadowRoot!.querySelector('form'));
      const input = (name: string) => shadow<HTMLInputElement>(el, `input[name="${name}"]`);
      const box = (name: string, value: string) => shadow<HTMLInputElement>(el, `input[name="${name}"][value="${value}"]`);
      expect(input('groupSize').value).to.equal('3');
      expect(all<HTMLInputElement>(el, 'input[name="objects"]:checked').map((i) => i.value)).to.deep.equal(['discuss', 'mutual-help', 'encouragement']);
      expect(all<HTMLInputElement>(el, 'input[name="objects"]').map((i) => i.value)).to.have.length(6);
      expect(input('city').checked).to.equal(false);
      expect(input('poolEveryHours').value).to.equal('168');
      expect(input('suppressionThreshold').value).to.equal('5');
      await expect(el).to.be.accessible();

      input('groupSize').value = '4';
      box('objects', 'encouragement').click();
      box('modalities', 'synchronous').click();
      box('modalities', 'shared-documents').click();
      input('city').click();
      input('inviteLifetimeDays').value = '30';
      input('poolEveryHours').value = '0';
      input('suppressionThreshold').value = '7';
      buttonByText(el, 'Save settings').click();
      await until(el, () => text(el).includes('Settings saved.'));
      expect(endpoint.bodies('PUT settings')).to.deep.equal([
        { groupSize: 4, objects: ['discuss', 'mutual-help'], modalities: ['email'], city: true, inviteLifetimeDays: 30, poolEveryHours: 0, suppressionThreshold: 7 },
      ]);
      expect(endpoint.calls.find((c) => c.route == 'PUT settings')!.authorization).to.equal(`Bearer ${CONFIG.token}`);
      expect(input('suppressionThreshold').value).to.equal('7');
      expect(el.shadowRoot!.activeElement?.id).to.equal('save');
      await expect(el).to.be.accessible();
    });

    it('the form shows the endpoint’s answer even where it differs from what was sent', async () => {
      const { el } = await render(new FakeDashboardEndpoint({ 'PUT settings': json(200, settings({ groupSize: 2 })) }));
      await until(el, () => el.shadowRoot!.querySelector('form'));
      shadow<HTMLInputElement>(el, 'input[name="groupSize"]').value = '5';
      buttonByText(el, 'Save settings').click();
      await until(el, () => text(el).includes('Settings saved.'));
      expect(shadow<HTMLInputElement>(el, 'input[name="groupSize"]').value).to.equal('2');
    });

    it('the endpoint’s 400 is shown translated, on its field; one about no field in the error line', async () => {
      const { el, endpoint } = await render(
        new FakeDashboardEndpoint({
          'PUT settings': [json(400, errorBody('bad_request', 'Too small: expected number to be >=3', 'suppressionThreshold')), json(400, errorBody('bad_request', 'Invalid input', ''))],
        }),
      );
      await until(el, () => el.shadowRoot!.querySelector('form'));
      buttonByText(el, 'Save settings').click();
      await until(el, () => el.shadowRoot!.querySelector('[aria-invalid="true"]'));
      const field = shadow<HTMLInputElement>(el, 'input[name="suppressionThreshold"]');
      expect(field.getAttribute('aria-invalid')).to.equal('true');
      expect(shadow(el, `#${field.getAttribute('aria-describedby')}`).textContent).to.equal('Withhold counts under: expected 3 to 100 (default 5).');
      expect(el.shadowRoot!.activeElement).to.equal(field);
      expect(text(el)).to.not.contain('Too small');
      expect(endpoint.bodies('PUT settings')).to.have.length(1);
      await expect(el).to.be.accessible();

      const errors: CustomEvent[] = [];
      el.addEventListener('tandem-error', (e) => errors.push(e as CustomEvent));
      buttonByText(el, 'Save settings').click();
      await until(el, () => text(el).includes('The endpoint refused this request.'));
      expect(all(el, '[aria-invalid="true"]')).to.have.length(0);
      expect(errors.map((e) => e.detail.code)).to.deep.equal(['bad_request']);
    });

    it('values the schema refuses are named at once, translated, without asking the endpoint', async () => {
      const { el, endpoint } = await render();
      await until(el, () => el.shadowRoot!.querySelector('form'));
      shadow<HTMLInputElement>(el, 'input[name="groupSize"]').value = '9';
      shadow<HTMLInputElement>(el, 'input[name="inviteLifetimeDays"]').value = '';
      for (const box of all<HTMLInputElement>(el, 'input[name="modalities"]:checked')) box.click();
      buttonByText(el, 'Save settings').click();
      await until(el, () => el.shadowRoot!.querySelector('[aria-invalid="true"]'));
      expect(all(el, '.hint.error').map((p) => p.textContent)).to.deep.equal([
        'Largest group: expected 2 to 6 (2: tandems).',
        'How learners may work together: expected at least one choice.',
        'Invite lifetime, in days: expected 1 to 90.',
      ]);
      expect(el.shadowRoot!.activeElement?.getAttribute('name')).to.equal('groupSize');
      expect(endpoint.bodies('PUT settings')).to.have.length(0);
      await expect(el).to.be.accessible();
    });

    it('a 403 on saving (not the course’s instructor) is said in the error line', async () => {
      const { el, endpoint } = await render(new FakeDashboardEndpoint({ 'PUT settings': json(403, errorBody('forbidden', 'Only the course’s staff may do this.')) }));
      await until(el, () => el.shadowRoot!.querySelector('form'));
      buttonByText(el, 'Save settings').click();
      await until(el, () => text(el).includes('Only the course’s instructors can do this.'));
      // A refused save changes nothing: the figures are not asked for again.
      await idle(el);
      expect(statsCalls(endpoint)).to.equal(1);
    });

    it('a saved threshold applies at once: the figures are asked for again, quietly, and the legends say it', async () => {
      const withNulls = statsWithNulls();
      const { el, endpoint, timers } = await render(
        new FakeDashboardEndpoint({
          'GET stats': [json(200, withNulls), json(200, { ...withNulls, threshold: 7 })],
          'PUT settings': json(200, settings({ suppressionThreshold: 7 })),
        }),
      );
      await until(el, () => el.shadowRoot!.querySelector('form'));
      expect(shadow(el, '.legend').textContent).to.contain('fewer than 5');
      const heard = listen(el);
      shadow<HTMLInputElement>(el, 'input[name="suppressionThreshold"]').value = '7';
      buttonByText(el, 'Save settings').click();
      await until(el, () => shadow(el, '.legend').textContent!.includes('fewer than 7'), 'the legend at 7');
      expect(all(el, '.legend').every((l) => l.textContent!.includes('fewer than 7'))).to.equal(true);
      expect(endpoint.requested()).to.deep.equal(['GET stats', 'GET settings', 'PUT settings', 'GET stats']);
      expect(text(el)).to.contain('Settings saved.');
      expect(heard).to.deep.equal([]);
      // One timer, the period from this refresh.
      expect(timers.delays()).to.deep.equal([60_000]);
      await expect(el).to.be.accessible();
    });

    it('a save while the figures are being fetched: they are fetched again once that answer came', async () => {
      const withNulls = statsWithNulls();
      const slow = later();
      const { el, endpoint, timers } = await render(
        new FakeDashboardEndpoint({
          'GET stats': [json(200, withNulls), slow.answer, json(200, { ...withNulls, threshold: 7 })],
          'PUT settings': json(200, settings({ suppressionThreshold: 7 })),
        }),
      );
      await until(el, () => el.shadowRoot!.querySelector('form'));
      timers.fire(60_000);
      await until(el, () => statsCalls(endpoint) == 2);
      shadow<HTMLInputElement>(el, 'input[name="suppressionThreshold"]').value = '7';
      buttonByText(el, 'Save settings').click();
      await until(el, () => text(el).includes('Settings saved.'));
      // The answer under way was asked for before the save: at the old threshold.
      slow.release(json(200, withNulls));
      await until(el, () => statsCalls(endpoint) == 3, 'the figures asked for again');
      await until(el, () => shadow(el, '.legend').textContent!.includes('fewer than 7'), 'the legend at 7');
      expect(timers.delays()).to.deep.equal([60_000]);
    });

    it('Run pool matching now: POST, then the round asked about every 2 s until done; its figures shown, the figures refreshed', async () => {
      const { el, endpoint, timers } = await render(
        new FakeDashboardEndpoint({
          'POST pool-runs': json(202, poolRun()),
          [`GET pool-runs/${RUN_ID}`]: [json(200, poolRun()), json(200, poolRun({ status: 'done', finishedAt: '2026-11-27T09:45:03Z', candidates: 31, groups: 12, matched: 24, unmatched: 7 }))],
        }),
      );
      await until(el, () => el.shadowRoot!.querySelector('form'));
      buttonByText(el, 'Run pool matching now').click();
      await until(el, () => timers.delays().includes(2000));
      expect(endpoint.bodies('POST pool-runs')).to.deep.equal([{}]);
      expect(text(el)).to.contain(`Matching round started at ${clock('2026-11-27T09:45:00Z')}…`);
      expect(buttonByText(el, 'Run pool matching now').disabled).to.equal(true);
      await expect(el).to.be.accessible();

      timers.fire(2000);
      await until(el, () => endpoint.requested().includes(`GET pool-runs/${RUN_ID}`) && timers.delays().includes(2000));
      timers.fire(2000);
      await until(el, () => text(el).includes('Matching round done.'));
      expect(text(el)).to.contain('Candidates31Groups formed12Learners matched24Not matched7');
      expect(buttonByText(el, 'Run pool matching now').disabled).to.equal(false);
      expect(timers.delays()).to.not.include(2000);
      await until(el, () => endpoint.requested().filter((r) => r == 'GET stats').length == 2);
      expect(endpoint.requested().filter((r) => r.startsWith('GET pool-runs'))).to.have.length(2);
      await expect(el).to.be.accessible();
    });

    it('a round’s figures withheld from an instructor’s token (null): "—" named "withheld", with the tables’ legend; absent: n/a', async () => {
      const done = { status: 'done', finishedAt: '2026-11-27T09:45:03Z' } as const;
      const { el, endpoint } = await render(
        new FakeDashboardEndpoint({
          'POST pool-runs': [json(200, poolRun({ ...done, candidates: 31, groups: null, matched: null, unmatched: 27 })), json(200, poolRun({ ...done, candidates: 31, groups: 12, matched: 24 }))],
        }),
      );
      await until(el, () => el.shadowRoot!.querySelector('form'));
      buttonByText(el, 'Run pool matching now').click();
      await until(el, () => el.shadowRoot!.querySelector('dl.run'));
      expect(endpoint.requested()).to.include('POST pool-runs');
      const run = shadow(el, 'dl.run');
      expect([...run.querySelectorAll('dd')].map((dd) => dd.textContent!.replace(/\s+/g, ' ').trim())).to.deep.equal(['31', '—withheld', '—withheld', '27']);
      const withheld = run.querySelectorAll('dd')[1]!;
      expect(withheld.querySelector('[aria-hidden="true"]')!.textContent).to.equal('—');
      expect(withheld.querySelector('.sr')!.textContent).to.equal('withheld');
      const controls = shadow(el, 'section[aria-labelledby="h-controls"]');
      expect(controls.querySelector('.legend')!.textContent).to.equal(
        '—: withheld (fewer than 5, or withheld so that a small count cannot be worked out). In CSV files: an empty field.',
      );
      await expect(el).to.be.accessible();

      // Counts not known (absent) are "n/a", not withheld: no legend then.
      buttonByText(el, 'Run pool matching now').click();
      await until(el, () => endpoint.bodies('POST pool-runs').length == 2 && el.shadowRoot!.querySelector('dl.run'), 'the second round');
      expect(controls.querySelector('.legend')).to.equal(null);
      expect([...shadow(el, 'dl.run').querySelectorAll('dd')].map((dd) => dd.textContent!.trim())).to.deep.equal(['31', '12', '24', 'n/a']);
    });

    it('French: a withheld round figure is "masqué", with the French legend', async () => {
      const { el } = await render(
        new FakeDashboardEndpoint({ 'POST pool-runs': json(200, poolRun({ status: 'done', finishedAt: '2026-11-27T09:45:03Z', candidates: null, groups: 0, matched: 0, unmatched: null })) }),
        { ...CONFIG, lang: 'fr' },
      );
      await until(el, () => el.shadowRoot!.querySelector('form'));
      buttonByText(el, 'Lancer l’appariement maintenant').click();
      await until(el, () => el.shadowRoot!.querySelector('dl.run'));
      expect(shadow(el, 'dl.run').textContent).to.equal('Candidats—masquéGroupes formés0Apprenants appariés0Non appariés—masqué');
      expect(shadow(el, 'section[aria-labelledby="h-controls"] .legend').textContent).to.contain('— : masqué (moins de 5');
      await expect(el).to.be.accessible();
    });

    it('a round already running (409) or a failed round is said translated', async () => {
      const { el } = await render(new FakeDashboardEndpoint({ 'POST pool-runs': [json(409, errorBody('pool_running')), json(200, poolRun({ status: 'failed', finishedAt: '2026-11-27T09:45:03Z', error: 'worker crashed' }))] }));
      await until(el, () => el.shadowRoot!.querySelector('form'));
      buttonByText(el, 'Run pool matching now').click();
      await until(el, () => text(el).includes('A matching round is already running: wait for it to end.'));
      buttonByText(el, 'Run pool matching now').click();
      await until(el, () => text(el).includes('The matching round failed.'));
      expect(text(el)).to.not.contain('worker crashed');
    });
  });

  describe('keyboard', () => {
    it('Tab reaches Refresh, each table, its download and every control; Enter in a field submits the form', async () => {
      const { el, endpoint } = await render(new FakeDashboardEndpoint({ 'PUT settings': json(200, settings()) }));
      await until(el, () => el.shadowRoot!.querySelector('form'));
      buttonByText(el, 'Refresh').focus();
      const reached: string[] = [];
      for (let i = 0; i < 80; i++) {
        const active = el.shadowRoot!.activeElement as HTMLElement | null;
        if (!active) break;
        reached.push(active.getAttribute('name') ?? active.getAttribute('role') ?? active.textContent!.trim());
        await sendKeys({ press: 'Tab' });
      }
      expect(reached[0]).to.equal('Refresh');
      expect(reached[1]).to.equal('region');
      expect(reached[2]).to.equal('Download CSV (Groups by relationship)');
      expect(reached.filter((r) => r == 'region')).to.have.length(10);
      expect(reached.filter((r) => r.startsWith('Download'))).to.have.length(10);
      expect(reached).to.include('Download the anonymised research export as CSV (Completion and progress)');
      for (const name of ['groupSize', 'objects', 'modalities', 'city', 'inviteLifetimeDays', 'poolEveryHours', 'suppressionThreshold', 'Save settings', 'Run pool matching now']) {
        expect(reached, name).to.include(name);
      }

      shadow<HTMLInputElement>(el, 'input[name="inviteLifetimeDays"]').focus();
      await sendKeys({ press: 'Enter' });
      await until(el, () => endpoint.bodies('PUT settings').length == 1);
      expect(endpoint.bodies('PUT settings')[0]).to.deep.include({ inviteLifetimeDays: 14 });
    });

    it('Refresh works from the keyboard', async () => {
      const { el, endpoint } = await render();
      await loaded(el);
      buttonByText(el, 'Refresh').focus();
      await sendKeys({ press: 'Enter' });
      await until(el, () => endpoint.requested().filter((r) => r == 'GET stats').length == 2);
    });
  });
});

describe('tandem-dashboard.js entry', () => {
  it('defines <tandem-dashboard> and <tandem-config>, guarded', async () => {
    await import('../../../src/dashboard.js');
    await import('../../../src/dashboard.js?copy=2' as string);
    expect(customElements.get('tandem-dashboard')).to.be.a('function');
    expect(customElements.get('tandem-config')).to.be.a('function');
  });

  it('reads <tandem-config> like the learner elements', async () => {
    await import('../../../src/dashboard.js');
    const endpoint = new FakeDashboardEndpoint();
    const container = document.createElement('div');
    container.dataset.testMount = '';
    const config = document.createElement('tandem-config');
    for (const [name, value] of Object.entries(CONFIG)) config.setAttribute(name, value);
    const el = document.createElement('tandem-dashboard');
    el.fetch = endpoint.fetch;
    container.append(config, el);
    document.body.append(container);
    await loaded(el);
    expect(endpoint.calls[0]!.authorization).to.equal(`Bearer ${CONFIG.token}`);
    unmountAll();
  });
});

describe('the dashboard’s messages', () => {
  const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
  it('a text for every id in both languages, none empty, the same placeholders, no id of the learner widget’s again', () => {
    expect(dashboardEn).to.have.length(DASHBOARD_MESSAGE_IDS.length);
    expect(dashboardFr).to.have.length(DASHBOARD_MESSAGE_IDS.length);
    for (const [i, id] of DASHBOARD_MESSAGE_IDS.entries()) {
      expect(dashboardEn[i], id).to.be.a('string').and.not.equal('');
      expect(dashboardFr[i], id).to.be.a('string').and.not.equal('');
      expect(placeholders(dashboardFr[i]!), id).to.deep.equal(placeholders(dashboardEn[i]!));
      expect(MESSAGE_IDS as readonly string[], id).to.not.include(id);
    }
    // Anchors: a line added or dropped before one shifts it.
    const at = (id: string) => DASHBOARD_MESSAGE_IDS.indexOf(id as never);
    expect(dashboardEn[at('dash.forbidden')]).to.equal('Only the course’s instructors can see this dashboard.');
    expect(dashboardFr[at('dash.forbidden')]).to.equal('Seuls les enseignants du cours peuvent voir ce tableau de bord.');
    expect(dashboardFr[at('dash.unmatched')]).to.equal('Non appariés');
    expect(new Set(DASHBOARD_MESSAGE_IDS).size).to.equal(DASHBOARD_MESSAGE_IDS.length);
  });
});
