import { DEFAULT_COURSE_SETTINGS } from '../core/course-settings.js';
import { DEFAULT_SUPPRESSION_THRESHOLD } from '../core/suppression.js';
import type { EndpointCourseSettings as CourseSettings } from '../protocol/peers.js';
import type { StoreTx } from './store/store.js';

/** What a course has when its settings leave these out: cities allowed, pool matching only on demand, the default threshold. */
const OPTIONAL_DEFAULTS = { city: true, poolEveryHours: 0, suppressionThreshold: DEFAULT_SUPPRESSION_THRESHOLD } as const;

/**
 * A course's settings: those the platform PUT (stored), else the courses
 * file's, else the defaults. The stored ones win so that a platform can
 * change a course without a redeploy. Optional keys left out are answered
 * with their defaults, so that the dashboard's form shows what applies.
 */
export async function settingsFor(
  tx: StoreTx,
  course: string,
  fileCourses: Readonly<Record<string, CourseSettings>>,
): Promise<CourseSettings> {
  const chosen = (await tx.getCourseSettings(course)) ?? fileCourses[course] ?? DEFAULT_COURSE_SETTINGS;
  return { ...OPTIONAL_DEFAULTS, ...chosen, objects: [...chosen.objects], modalities: [...chosen.modalities] };
}
