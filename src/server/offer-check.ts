import { notOffered } from '../core/course-settings.js';
import type { Modality, ObjectCode } from '../core/typology.js';
import type { CourseSettings } from '../protocol/api.js';
import { ApiError } from './errors.js';

/**
 * Refuses objects or modalities the course does not offer with `422
 * not_offered`, naming the first refused code and its path (`objects.1`,
 * under `prefix` when the list sits deeper in the body, as `command.`).
 */
export function requireOffered(
  chosen: { objects: readonly ObjectCode[]; modalities: readonly Modality[] },
  settings: Pick<CourseSettings, 'objects' | 'modalities'>,
  prefix = '',
): void {
  for (const [field, list, offered] of [
    ['objects', chosen.objects, settings.objects],
    ['modalities', chosen.modalities, settings.modalities],
  ] as const) {
    const refused = notOffered<string>(list, offered)[0];
    if (refused !== undefined) {
      throw new ApiError('not_offered', `This course does not offer "${refused}".`, `${prefix}${field}.${(list as readonly string[]).indexOf(refused)}`);
    }
  }
}
