/**
 * `npm run demo:seed-course`: seeds the demo store (TANDEM_DATA_DIR, `./data`
 * by default, as `npm start` uses) with a realistic run of the demo course, so
 * that the instructor page (`/instructor`) shows a full dashboard at once.
 * See demo/course-simulation.ts for what it does and how. It first puts the
 * demo course's settings back to the demo's when someone changed them (on
 * `/instructor`, say); running it again says the store is already seeded and
 * changes nothing else.
 *
 * It reads the same environment as `npm start` (the JWT secret, issuer and
 * audience the tokens are signed with). Run it while the demo server is
 * stopped, or restart the server afterwards.
 */
import { loadConfig } from '../src/server/config.js';
import { seedDemoCourse, SEED_LEARNERS, SEED_WEEKS } from './course-simulation.js';

const loaded = loadConfig(process.env, true);
if (!loaded.ok) {
  console.error(`tandem demo seed: ${loaded.error}`);
  process.exit(1);
}
const { config } = loaded;
console.log(`tandem demo seed: ${SEED_LEARNERS} learners over ${SEED_WEEKS} weeks of demo-mooc-101, into ${config.dataDir}`);

try {
  const outcome = await seedDemoCourse({ config, log: (line) => console.log(`  ${line}`) });
  if (outcome.status === 'already-seeded') {
    console.log(
      outcome.settingsReset
        ? "tandem demo seed: this store is already seeded; the demo course's settings, which had been changed, are the demo's again (nothing else changed)."
        : 'tandem demo seed: this store is already seeded; nothing changed.',
    );
  } else {
    const s = outcome.stats;
    const shown = (n: number | null) => (n === null ? 'withheld' : String(n));
    const rate = (key: string) => {
      const row = s.persistence.rows.find((r) => r.key === key)!;
      return row.learners && row.completed !== null ? `${Math.round((100 * row.completed) / row.learners)} % of ${row.learners}` : 'withheld';
    };
    console.log(`tandem demo seed: done in ${(outcome.ms / 1000).toFixed(1)} s (${outcome.tally.requests} requests to the endpoint), course run ${outcome.start.slice(0, 10)} to ${outcome.end.slice(0, 10)}`);
    console.log(`  learners: ${outcome.learners} seeded, ${shown(s.persistence.reported)} with progress reports, ${shown(s.groups.learnersGrouped)} in a group`);
    console.log(
      `  groups: ${shown(s.groups.formed)} formed, ${shown(s.groups.active)} active, ${shown(s.groups.dissolved)} dissolved; by size ${s.groups.bySize.filter((b) => b.count !== 0).map((b) => `${b.size}: ${shown(b.count)}`).join(', ')}; ${shown(s.groups.membersLeft)} members left`,
    );
    console.log(`  by relationship: ${s.typology.relationship.map((r) => `${r.code} ${shown(r.count)}`).join(', ')}`);
    const f = s.funnels;
    console.log(
      `  invites ${shown(f.invites.created)} → opened ${shown(f.invites.opened)} → accepted ${shown(f.invites.accepted)} (median ${f.invites.medianHoursToAccept ?? '?'} h); requests ${shown(f.requests.sent)} → accepted ${shown(f.requests.accepted)}; opted in ${shown(f.pool.optedIn)} → matched by the pool ${shown(f.pool.matched)}`,
    );
    console.log(`  completed: ${rate('grouped')} in a group, ${rate('alone')} alone`);
    console.log('tandem demo seed: start the demo (npm start) and open /instructor');
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
