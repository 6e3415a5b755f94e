import { notOffered } from '../core/course-settings.js';
import { IN_PERSON_MODALITIES, type Modality, type ObjectCode } from '../core/typology.js';
import type { CourseSettings } from '../protocol/api.js';
import type { DiscoveryOptions, EndpointCourseSettings, PeerProfile } from '../protocol/peers.js';
import { ApiError } from './errors.js';

/*
 * What a course offers, applied: refusing what it does not offer, telling the
 * widget what a profile may hold, and reading stored profiles as the course
 * offers things now (a course may switch cities or in-person meetings off
 * after learners opted in).
 */

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

/** What a course lets a profile hold: its offer, and a city only with in-person modalities and when not switched off. */
export function discoveryOptions(settings: EndpointCourseSettings): DiscoveryOptions {
  return {
    objects: settings.objects,
    modalities: settings.modalities,
    city: settings.city !== false && settings.modalities.some((m) => IN_PERSON_MODALITIES.includes(m)),
    // Any course can be matched when staff ask through the API; the schedule is optional.
    pool: true,
  };
}

/** A stored profile as the course offers things now: codes no longer offered dropped, the city only where cities are still shared. */
export function asOffered(profile: PeerProfile, settings: EndpointCourseSettings): PeerProfile {
  const { city, ...rest } = profile;
  const modalities = profile.modalities.filter((m) => settings.modalities.includes(m));
  const keepCity = city !== undefined && discoveryOptions(settings).city && modalities.some((m) => IN_PERSON_MODALITIES.includes(m));
  return { ...rest, objects: profile.objects.filter((o) => settings.objects.includes(o)), modalities, ...(keepCity ? { city } : {}) };
}
