import type { Catalogue } from './message-ids.js';

/** English messages of part 2, in the order of `PEER_MESSAGE_IDS` (each line names its id); French mirrors it line for line. */
export const texts: Catalogue = [
  'First say you are looking for a study partner.', // error.not_opted_in
  'This learner is not available.', // error.peer_unavailable
  'You cannot ask yourself.', // error.own_request
  'A request between you two already waits for an answer.', // error.duplicate_request
  '20 of your requests already wait for an answer.', // error.request_limit
  'This request no longer exists.', // error.request_not_found
  'This request is already closed.', // error.request_closed
  'You studied together in another course', // reason.earlier-partner
  'Replies between you in the forum: {count}', // reason.forum
  'Both want to: {list}', // reason.objects
  'Both are happy with: {list}', // reason.modalities
  '{hours} h of shared availability ({part})', // reason.availability
  'Same city', // reason.same-city
  'You both speak {list}', // reason.language
  'Night', // part.night
  'Morning', // part.morning
  'Afternoon', // part.afternoon
  'Evening', // part.evening
  'Find a study partner', // peers.title
  'Sign in or enroll to find a study partner', // peers.signed-out
  'Find who else in this course looks for a study partner. Others see your name, note and profile, never your email.', // peers.intro
  'I’m looking for a study partner', // peers.start
  'Try again', // peers.retry
  'Languages to study in', // profile.languages
  'Choose 1 to 5 languages.', // profile.languages-need
  'Your time zone (detected: {zone})', // profile.zone
  'When are you free each week?', // profile.when
  'Your local time: night 0–6 h, morning 6–12, afternoon 12–18, evening 18–24.', // profile.when-hint
  'Your city (to meet in person)', // profile.city
  'In person: meet in a public place first, tell someone where you go, leave if you feel uneasy.', // profile.safety
  'A note for others (optional)', // profile.note
  '{count}/280 characters', // profile.count
  'Match me automatically', // profile.auto
  'Save my profile', // profile.save
  'Cancel', // profile.cancel
  'Profile saved.', // profile.saved
  'Edit my profile', // peers.edit
  'Stop looking', // peers.stop
  'Stop looking? You leave the lists at once.', // peers.confirm-stop
  'You are no longer listed.', // peers.stopped
  'Who fits', // peers.list
  'Nobody fits yet: come back soon.', // peers.empty
  'Show more', // peers.more
  'Ask to study together', // peers.ask
  'Team up again', // peers.again
  'Request sent', // peers.sent
  'Cancel request', // peers.cancel
  'Cancel this request?', // peers.confirm-cancel
  'Request cancelled.', // peers.cancelled
  '{name} is blocked.', // peers.blocked
  'Block or report', // peers.report
  'You were matched: see your groups.', // pool.matched
  'No match this round.', // pool.none
  'Report to the course staff: why?', // report.reason
  'Spam or advertising', // report.spam
  'Harassment', // report.harassment
  'Inappropriate note', // report.inappropriate-note
  'I feel unsafe', // report.safety
  'Something else', // report.other
  'Details (optional)', // report.details
  'Block {name} (you will no longer see each other)', // report.block
  'Report sent to the course staff. Thank you.', // report.sent
  'Study with {name}', // ask.button
  'Sign in to study with {name}', // ask.signed-out
  'Study requests', // requests.title
  '{name} asks to study with you', // requests.from
  'A new tandem', // requests.new
  'Into their group of {members}', // requests.group
  'You study with {name}: see your group.', // requests.accepted
  'Request declined.', // requests.declined
];
