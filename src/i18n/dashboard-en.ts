import type { Catalogue } from './message-ids.js';

/** English messages of the instructor's dashboard, in the order of `DASHBOARD_MESSAGE_IDS` (each line names its id); French mirrors it line for line. */
export const texts: Catalogue = [
  'Only the course’s instructors can do this.', // error.forbidden
  'This sign-in is for another course.', // error.course_mismatch
  'The endpoint refused this request.', // error.bad_request
  'The endpoint sent an answer the dashboard cannot read.', // error.bad_reply
  'The endpoint does not know this.', // error.not_found
  'A matching round is already running: wait for it to end.', // error.pool_running
  'Too many requests: try again in a minute.', // error.rate_limited
  'Study groups in {course}', // dash.title
  'Updated at {time}', // dash.updated
  'Updating…', // dash.updating
  'Refresh', // dash.refresh
  'Retry', // dash.retry
  'Could not refresh: these figures are from {time}.', // dash.stale
  'Could not reach the endpoint.', // dash.unreachable
  'Only the course’s instructors can see this dashboard.', // dash.forbidden
  'Sign in as an instructor of this course to see its dashboard.', // dash.signed-out
  'Sign in', // dash.sign-in
  'withheld', // dash.withheld
  '—: withheld (fewer than {threshold}, or withheld so that a small count cannot be worked out). In CSV files: an empty field.', // dash.legend
  'n/a', // dash.na
  'Download CSV', // dash.csv
  'Download the anonymised research export as CSV', // dash.research-csv
  'Count', // dash.count
  'Groups', // dash.groups
  'Who pairs up, to do what, and how', // dash.typology
  'A group counts once under each code it carries, so a table’s counts can add up to more than the number of groups.', // dash.typology-note
  'Groups by relationship', // dash.by-relationship
  'Groups by what they do together', // dash.by-object
  'Groups by how they work together', // dash.by-modality
  'Relationship and what they do together', // dash.relationship-object
  'Relationship and how they work together', // dash.relationship-modality
  'Known outside the MOOC', // dash.pchm
  'Known in a MOOC', // dash.pcdm
  'Relationship', // dash.relationship
  'Groups: sizes and life', // dash.life
  'Groups and members', // dash.summary
  'Figure', // dash.figure
  'Groups formed', // dash.formed
  'Active groups', // dash.active
  'Dissolved groups', // dash.dissolved
  'Members who left', // dash.members-left
  'Learners in groups', // dash.learners-grouped
  'Active groups by size', // dash.by-size
  'Size', // dash.size
  '{size} members', // dash.members
  'Groups formed each week (whole weeks)', // dash.weekly
  'Week of', // dash.week
  'A week shows here once it is over and groups were formed by then.', // dash.no-weeks
  'From invite to group', // dash.funnels
  'Steps from asking to studying together', // dash.funnel
  'Step', // dash.step
  'Of the step before', // dash.conversion
  'Invites', // dash.invites
  'Created', // dash.invites-created
  'Opened', // dash.invites-opened
  'Accepted', // dash.invites-accepted
  'Study requests', // dash.requests
  'Sent', // dash.requests-sent
  'Accepted', // dash.requests-accepted
  'Pool matching', // dash.pool
  'Learners who opted in', // dash.pool-opted-in
  'Matched by the pool', // dash.pool-matched
  'Median time from invite to acceptance: {duration}', // dash.median
  'Median time from invite to acceptance: withheld, or no acceptance yet.', // dash.median-none
  '{n} min', // dash.minutes
  '{n} h', // dash.hours
  '{n} days', // dash.days
  'Persistence', // dash.persistence
  'Completion and progress', // dash.completion
  'Learners', // dash.learners
  'Completed', // dash.completed
  'Completion rate', // dash.completion-rate
  'Mean progress', // dash.mean-progress
  'Who', // dash.who
  'In a group', // dash.grouped
  'Alone', // dash.alone
  'In a group or not', // dash.group-or-not
  'By the relationship of their first group', // dash.by-relationship-rows
  'Learners with a progress report: {count}', // dash.reported
  'This is a correlation, not proof: learners who pair up may differ from the others in other ways (time, motivation, earlier studies).', // dash.correlation
  'Its CSV is the anonymised research export: counts and rates only, never a name or an id.', // dash.research
  'Course settings', // dash.controls
  'The endpoint applies these settings; this form shows what it answered.', // dash.authority
  'Largest group', // dash.group-size
  '2 to 6 (2: tandems)', // dash.group-size-hint
  'What learners may do together', // dash.objects
  'How learners may work together', // dash.modalities
  'at least one choice', // dash.choose
  'Learners may give a city (to meet in person)', // dash.city
  'Invite lifetime, in days', // dash.lifetime
  '1 to 90', // dash.lifetime-hint
  'Pool matching every N hours', // dash.pool-every
  '0 to 672; 0: only when run from here', // dash.pool-every-hint
  'Withhold counts under', // dash.threshold
  '3 to 100 (default 5)', // dash.threshold-hint
  '{field}: expected {hint}.', // dash.invalid
  'Save settings', // dash.save
  'Saving…', // dash.saving
  'Settings saved.', // dash.saved
  'Could not load the course settings.', // dash.settings-failed
  'Run pool matching now', // dash.run-pool
  'Matching round started at {time}…', // dash.pool-started
  'Matching round done.', // dash.pool-done
  'The matching round failed.', // dash.pool-failed
  'Candidates', // dash.candidates
  'Learners matched', // dash.matched
  'Not matched', // dash.unmatched
];
