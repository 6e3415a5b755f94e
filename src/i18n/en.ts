import type { Catalogue } from './message-ids.js';

/**
 * English messages, in the order of `MESSAGE_IDS` (each line names its id).
 * Every typology code has a label here, and every error a learner can meet a
 * message (others share `error.internal`, see `errorId`); French mirrors
 * this catalogue line for line, and courses may override any id.
 */
export const texts: Catalogue = [
  'Family', // relationship.family
  'Friend', // relationship.friend
  'Colleague', // relationship.colleague
  'Classmate', // relationship.classmate
  'Met in an earlier course', // relationship.earlier-mooc
  'Met in this course', // relationship.this-mooc
  'Team activities', // object.collective-activities
  'Quizzes and assignments', // object.individual-activities
  'Watch the videos', // object.watch-videos
  'Talk about the course', // object.discuss
  'Help each other', // object.mutual-help
  'Keep each other going', // object.encouragement
  'In person, the two of us', // modality.in-person-pair
  'In person, as a group', // modality.in-person-group
  'Social network or messaging', // modality.social-network
  'Phone or video call', // modality.synchronous
  'Email', // modality.email
  'Shared documents', // modality.shared-documents
  'Pending', // status.pending
  'Accepted by {name}', // status.accepted
  'Declined', // status.declined
  'Cancelled', // status.cancelled
  'Expired', // status.expired
  'Please sign in again.', // error.token_missing
  'Please sign in again.', // error.token_invalid
  'Please sign in again.', // error.token_expired
  'This invite link is not valid; ask for a new one.', // error.invite_not_found
  'This invite has expired.', // error.invite_expired
  'This invite was cancelled.', // error.invite_cancelled
  'This invite has already been used.', // error.invite_used
  'This invite was declined.', // error.invite_declined
  'This is your own invite.', // error.own_invite
  'You are already in this group.', // error.already_member
  'This group is full.', // error.group_full
  'This group no longer exists.', // error.group_not_found
  'You are not in this group.', // error.not_member
  'The course does not offer this choice.', // error.not_offered
  'Something went wrong; try again later.', // error.internal
  'Service unreachable.', // error.network
  'This browser cannot store data.', // error.storage_unavailable
  'Your sign-in could not be checked.', // error.token_unavailable
  'Tandem setup error', // config.title
  '{attribute}: missing, expected {expected}', // config.missing
  '{attribute}: invalid, expected {expected}', // config.invalid
  'an absolute http(s) URL', // expect.url
  'a course id', // expect.course
  '1 to 300 characters', // expect.course-title
  'a language tag (en, fr)', // expect.lang
  'a JSON object of messages', // expect.messages
  'Loading…', // common.loading
  'You are offline.', // common.offline
  'Saved for this visit only.', // common.memory-only
  'Sending…', // common.sending
  'Will be sent when you are back online.', // common.waiting
  'Yes', // common.yes
  'No', // common.no
  'What', // common.what
  'How', // common.how
  'Study with someone you know', // invite.title
  'Sign in or enroll to invite someone', // invite.signed-out
  'Who do you invite?', // invite.who
  'What will you do together?', // invite.what
  'How will you work together?', // invite.how
  'Make a choice.', // invite.need
  'Create the invite link', // invite.create
  'Link ready: send it.', // invite.ready
  'Invite link', // invite.link
  'Copy', // invite.copy
  'Link copied.', // invite.copied
  'Select the link and copy it.', // invite.copy-failed
  'Share', // invite.share
  'Email', // invite.email
  'Study {course} with me', // invite.mail-subject
  'Invite someone else', // invite.again
  'Your invites', // invite.list
  'Cancel invite', // invite.cancel
  'Cancel this invite?', // invite.confirm-cancel
  'Invite someone else to this group', // invite.to-group
  'Your group with {names}', // invite.group
  '{name} invites you to study {course} together', // join.title
  'Invited as: {relationship}', // join.as
  'Places taken: {members} of {size}.', // join.group
  'Accept', // join.accept
  'Decline', // join.decline
  'Sign in or enroll to accept', // join.sign-in
  'You joined the group.', // join.accepted
  'Your study groups', // groups.title
  'Sign in or enroll to see your study groups', // groups.signed-out
  'No group yet: invite someone.', // groups.empty
  'Group of {count}', // groups.group
  '{name} (you)', // groups.you
  'How to reach me (only this group sees it)', // groups.note
  '{count}/200 characters', // groups.count
  'Save note', // groups.save
  'Note saved.', // groups.saved
  'Leave group', // groups.leave
  'Leave this group?', // groups.confirm-leave
  'You left the group.', // groups.left
  'Waiting to be sent', // common.pending
];
