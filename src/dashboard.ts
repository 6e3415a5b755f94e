/**
 * The instructor's script-tag entry, `dist/tandem-dashboard.js` (issue 4):
 * defines `<tandem-dashboard>` and `<tandem-config>` (each guarded, so this
 * script and `tandem.js` may both be on a page, in either order, and either
 * twice). A script of its own, one file: learners never download it, and the
 * learner pages' files do not change for it.
 */
import './elements/tandem-config.js';
import './elements/tandem-dashboard.js';
// Types cost the script-tag file nothing.
export type { TandemErrorDetail } from './elements/events.js';
