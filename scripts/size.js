// `npm run size` (which builds first): prints what a course page downloads for
// the widget, gzipped, for a part-1 page and for a page with every learner
// element, and what an instructor's page downloads for the dashboard; fails
// above any of the three budgets, when part 2's code reaches a part-1 page, or
// when the dashboard's reaches a learner page. See bundle-size.js for what counts.
import { relative } from 'node:path';
import { ALL_ELEMENTS_BUDGET_BYTES, BUDGET_BYTES, DASHBOARD_BUDGET_BYTES, dashboardLeaks, measureDashboard, measurePages } from './bundle-size.js';

const NOTE = {
  eager: '',
  runtime: ' (loaded at once: counted)',
  catalogue: ' (lazy catalogue, largest: counted)',
  part2: ' (part 2, lazy: counted on the second page)',
  'part2-catalogue': ' (part 2 catalogue, largest: counted on the second page)',
  lazy: ' (lazy, not counted)',
};
let pages;
let dashboard;
try {
  pages = measurePages();
  dashboard = measureDashboard();
} catch (error) {
  console.error(String(error.message ?? error));
  process.exit(1);
}
for (const { file, bytes, kind } of pages.all.files) console.log(`${String(bytes).padStart(7)}  ${relative('.', file)}${NOTE[kind]}`);
for (const { file, bytes } of dashboard.files) console.log(`${String(bytes).padStart(7)}  ${relative('.', file)} (instructor's page)`);
const failures = [
  ...pages.leaks.map((leak) => `Part 2 reaches a part-1 page: ${leak}.`),
  ...dashboardLeaks(pages).map((leak) => `The dashboard reaches a learner page: ${leak}.`),
];
for (const [name, { total }, budget] of [
  ['a part-1 page', pages.part1, BUDGET_BYTES],
  ['a page with every learner element', pages.all, ALL_ELEMENTS_BUDGET_BYTES],
  ["an instructor's page (the dashboard)", dashboard, DASHBOARD_BUDGET_BYTES],
]) {
  console.log(`${String(total).padStart(7)}  total gzip -9 bytes, ${name} (budget ${budget})`);
  if (total > budget) failures.push(`${name[0].toUpperCase()}${name.slice(1)} is over budget by ${total - budget} bytes.`);
}
for (const failure of failures) console.error(failure);
if (failures.length) process.exit(1);
