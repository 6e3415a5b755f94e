import { rankCandidates, type PeerProfile as RankedProfile } from '../core/ranking.js';
import { PEERS_PAGE_SIZE, type EndpointCourseSettings, type PeerItem, type PeerProfile, type PeersPage } from '../protocol/peers.js';
import { asOffered } from './course-offer.js';
import type { StoreTx } from './store/store.js';

export function forRanking(id: string, p: PeerProfile): RankedProfile {
  return {
    id,
    objects: p.objects,
    modalities: p.modalities,
    languages: p.languages,
    utcOffsetMinutes: p.utcOffsetMinutes,
    slots: p.slots,
    ...(p.city !== undefined ? { city: p.city } : {}),
  };
}

/**
 * One page of a course's opted-in learners ranked for `asker` (who must be
 * opted in: their profile is what others are compared with). Each listed peer
 * carries only their display name, note and coarse profile; the time zone and
 * slots stay on the server, summarised by the availability reason.
 */
export async function buildPeersPage(
  tx: StoreTx,
  {
    course,
    asker,
    askerProfile,
    page,
    settings,
  }: { course: string; asker: string; askerProfile: PeerProfile; page: number; settings: EndpointCourseSettings },
): Promise<PeersPage> {
  // Profiles as the course offers things now: a city or a modality it switched off since is neither shown nor ranked.
  const records = (await tx.listProfiles(course)).map((r) => ({ ...r, profile: asOffered(r.profile, settings) }));
  const signals = {
    forumInteractions: await tx.forumCounts(course, asker),
    earlierPartners: await tx.earlierPartners(asker, course),
    // Both directions: someone who blocked the asker disappears from their list too.
    blocked: await tx.blockedEitherWay(asker),
  };
  const byId = new Map(records.map((r) => [r.learner, r]));
  const ranked = rankCandidates(
    forRanking(asker, asOffered(askerProfile, settings)),
    records.map((r) => forRanking(r.learner, r.profile)),
    signals,
    { page, pageSize: PEERS_PAGE_SIZE },
  );
  const items = ranked.items.map((item): PeerItem => {
    const { name, profile, noteHidden } = byId.get(item.id)!;
    return {
      id: item.id,
      name,
      ...(signals.earlierPartners.has(item.id) ? { earlierPartner: true } : {}),
      // A note staff hid is listed to nobody.
      ...(profile.note !== undefined && !noteHidden ? { note: profile.note } : {}),
      objects: profile.objects,
      modalities: profile.modalities,
      languages: profile.languages,
      ...(profile.city !== undefined ? { city: profile.city } : {}),
      score: item.score,
      reasons: item.reasons,
    };
  });
  return { items, page, hasMore: ranked.hasMore, total: ranked.total };
}
