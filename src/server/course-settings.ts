import { DEFAULT_COURSE_SETTINGS } from '../core/course-settings.js';
import type { EndpointCourseSettings as CourseSettings } from '../protocol/peers.js';
import type { StoreTx } from './store/store.js';

/**
 * A course's settings: those the platform PUT (stored), else the courses
 * file's, else the defaults. The stored ones win so that a platform can
 * change a course without a redeploy.
 */
export async function settingsFor(
  tx: StoreTx,
  course: string,
  fileCourses: Readonly<Record<string, CourseSettings>>,
): Promise<CourseSettings> {
  const stored = await tx.getCourseSettings(course);
  if (stored) return stored;
  const fromFile = fileCourses[course];
  if (fromFile) return fromFile;
  return {
    ...DEFAULT_COURSE_SETTINGS,
    objects: [...DEFAULT_COURSE_SETTINGS.objects],
    modalities: [...DEFAULT_COURSE_SETTINGS.modalities],
  };
}
