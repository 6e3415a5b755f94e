/**
 * The SQLite schema, as numbered migrations. `PRAGMA user_version` records how
 * many have run; each runs in its own transaction with the version bump, so
 * a crash mid-migration leaves the previous version intact. Append only:
 * never edit a migration that has shipped.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  // 1: the part-1 model.
  `
  CREATE TABLE learners (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE course_settings (
    course TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE groups (
    id TEXT PRIMARY KEY,
    course TEXT NOT NULL,
    objects TEXT NOT NULL,
    modalities TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    dissolved_at TEXT
  );
  CREATE TABLE memberships (
    id INTEGER PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    learner TEXT NOT NULL,
    relationship TEXT NOT NULL,
    note TEXT,
    joined_at TEXT NOT NULL,
    left_at TEXT
  );
  -- A learner may leave and later rejoin a group, but holds one active membership at a time.
  CREATE UNIQUE INDEX memberships_active ON memberships(group_id, learner) WHERE left_at IS NULL;
  CREATE INDEX memberships_by_learner ON memberships(learner) WHERE left_at IS NULL;
  CREATE TABLE invites (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    course TEXT NOT NULL,
    inviter TEXT NOT NULL,
    relationship TEXT NOT NULL,
    objects TEXT NOT NULL,
    modalities TEXT NOT NULL,
    group_id TEXT REFERENCES groups(id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'cancelled')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    answered_by TEXT,
    answered_at TEXT
  );
  CREATE INDEX invites_by_inviter ON invites(course, inviter);
  CREATE TABLE commands (
    id TEXT PRIMARY KEY,
    learner TEXT NOT NULL,
    course TEXT NOT NULL,
    hash TEXT NOT NULL,
    result TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    course TEXT NOT NULL,
    learner TEXT NOT NULL,
    time TEXT NOT NULL,
    body TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('client', 'server')),
    command TEXT REFERENCES commands(id),
    received_at TEXT NOT NULL
  );
  CREATE INDEX events_by_command ON events(command) WHERE command IS NOT NULL;
  CREATE INDEX events_by_course_time ON events(course, time);
  `,
  // 2: opt-in discovery (issue 3): profiles and forum interaction counts.
  `
  CREATE TABLE peer_profiles (
    course TEXT NOT NULL,
    learner TEXT NOT NULL,
    profile TEXT NOT NULL,
    opted_in_at TEXT NOT NULL,
    PRIMARY KEY (course, learner)
  );
  -- One row per unordered pair: a < b, so "a replied to b" and "b replied to a" add up.
  CREATE TABLE forum_interactions (
    course TEXT NOT NULL,
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    count INTEGER NOT NULL CHECK (count > 0),
    PRIMARY KEY (course, a, b),
    CHECK (a < b)
  );
  CREATE INDEX forum_interactions_by_b ON forum_interactions(course, b);
  `,
  // 3: requests between learners, blocks, reports, hidden notes, webhook deliveries, pool rounds (issue 3).
  `
  ALTER TABLE peer_profiles ADD COLUMN note_hidden INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE peer_requests (
    id TEXT PRIMARY KEY,
    course TEXT NOT NULL,
    sender TEXT NOT NULL,
    recipient TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('peers', 'ask', 'earlier')),
    relationship TEXT NOT NULL CHECK (relationship IN ('this-mooc', 'earlier-mooc')),
    objects TEXT NOT NULL,
    modalities TEXT NOT NULL,
    group_id TEXT REFERENCES groups(id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'cancelled')),
    hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    answered_at TEXT,
    CHECK (sender <> recipient)
  );
  -- One pending request per ordered pair and course: a second is refused, and a race cannot store two.
  CREATE UNIQUE INDEX peer_requests_pending ON peer_requests(course, sender, recipient) WHERE status = 'pending';
  CREATE INDEX peer_requests_by_recipient ON peer_requests(course, recipient, status);
  CREATE INDEX peer_requests_by_sender ON peer_requests(course, sender, created_at);
  -- Blocks hold across courses: someone blocked is blocked everywhere on this endpoint.
  CREATE TABLE blocks (
    blocker TEXT NOT NULL,
    blocked TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (blocker, blocked)
  );
  CREATE INDEX blocks_by_blocked ON blocks(blocked);
  CREATE TABLE reports (
    id TEXT PRIMARY KEY,
    course TEXT NOT NULL,
    reporter TEXT NOT NULL,
    peer TEXT NOT NULL,
    reason TEXT NOT NULL,
    details TEXT,
    hash TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX reports_by_course ON reports(course, created_at);
  CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    course TEXT NOT NULL,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT
  );
  CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending';
  CREATE TABLE pool_runs (
    id TEXT PRIMARY KEY,
    course TEXT NOT NULL,
    seed INTEGER NOT NULL,
    trigger TEXT NOT NULL CHECK (trigger IN ('api', 'schedule')),
    status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    started_at TEXT NOT NULL,
    finished_at TEXT,
    candidates INTEGER,
    groups INTEGER,
    matched INTEGER,
    unmatched INTEGER,
    error TEXT
  );
  -- One round at a time per course.
  CREATE UNIQUE INDEX pool_runs_running ON pool_runs(course) WHERE status = 'running';
  CREATE INDEX pool_runs_by_course ON pool_runs(course, started_at);
  CREATE TABLE pool_outcomes (
    run TEXT NOT NULL REFERENCES pool_runs(id),
    course TEXT NOT NULL,
    learner TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('matched', 'no-match')),
    group_id TEXT REFERENCES groups(id),
    reasons TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (run, learner)
  );
  CREATE INDEX pool_outcomes_by_learner ON pool_outcomes(course, learner, at);
  `,
  // 4: who was seen in which course (a forum button may ask only someone the course knows), and
  // moderation kept apart from profiles, so that opting out and in again does not undo a hidden note.
  `
  CREATE TABLE course_learners (
    course TEXT NOT NULL,
    learner TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    PRIMARY KEY (course, learner)
  );
  CREATE TABLE moderation (
    course TEXT NOT NULL,
    learner TEXT NOT NULL,
    note_hidden INTEGER NOT NULL CHECK (note_hidden IN (0, 1)),
    PRIMARY KEY (course, learner)
  );
  INSERT INTO moderation (course, learner, note_hidden) SELECT course, learner, 1 FROM peer_profiles WHERE note_hidden <> 0;
  ALTER TABLE peer_profiles DROP COLUMN note_hidden;
  INSERT OR IGNORE INTO course_learners (course, learner, first_seen)
    SELECT course, learner, opted_in_at FROM peer_profiles;
  `,
  // 5: the instructor's stats (issue 4), kept current in the transaction that stores each event:
  // per-group, per-learner and per-invite state, the course's counters, and the cells withheld in the
  // last answer. stats_meta records which projection built them; a different one rebuilds them from
  // the events at start.
  `
  CREATE TABLE stats_meta (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    projection INTEGER NOT NULL
  );
  CREATE TABLE stats_counters (
    course TEXT NOT NULL,
    key TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (course, key)
  ) WITHOUT ROWID;
  CREATE TABLE stats_groups (
    id TEXT PRIMARY KEY,
    course TEXT NOT NULL,
    state TEXT NOT NULL
  );
  CREATE TABLE stats_learners (
    course TEXT NOT NULL,
    learner TEXT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (course, learner)
  ) WITHOUT ROWID;
  CREATE TABLE stats_invites (
    id TEXT PRIMARY KEY,
    course TEXT NOT NULL,
    created_at TEXT NOT NULL,
    opened INTEGER NOT NULL CHECK (opened IN (0, 1)),
    accept_seconds INTEGER
  );
  CREATE INDEX stats_invites_accepted ON stats_invites(course, accept_seconds) WHERE accept_seconds IS NOT NULL;
  CREATE TABLE stats_withheld (
    course TEXT PRIMARY KEY,
    keys TEXT NOT NULL
  );
  `,
  // 6: opt-ins made before the peer.opted-in event existed become events (dated when the learner opted in), so that
  // the dashboard's funnel counts them; the stats are then rebuilt at start (stats_meta emptied).
  `
  WITH fresh AS MATERIALIZED (
    SELECT p.course, p.learner, p.opted_in_at, json_extract(p.profile, '$.autoMatch') AS auto_match,
      lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
        substr('89ab', 1 + abs(random()) % 4, 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) AS id
    FROM peer_profiles p
    WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.type = 'peer.opted-in' AND e.course = p.course AND e.learner = p.learner)
  )
  INSERT INTO events (id, type, course, learner, time, body, source, command, received_at)
  SELECT id, 'peer.opted-in', course, learner, opted_in_at,
    json_object('autoMatch', json(CASE WHEN auto_match = 1 THEN 'true' ELSE 'false' END), 'course', course, 'id', id,
      'learner', learner, 'time', opted_in_at, 'type', 'peer.opted-in', 'v', 1),
    'server', NULL, opted_in_at
  FROM fresh;
  DELETE FROM stats_meta;
  `,
  // 7: xAPI statements queued for the Learning Record Store (issue 5), one per forwarded event (same id),
  // written in the transaction that stores the event and sent by the xAPI dispatcher. IF NOT EXISTS: a store
  // rewound to an earlier user_version (as the upgrade tests do) runs this again.
  `
  CREATE TABLE IF NOT EXISTS xapi_statements (
    id TEXT PRIMARY KEY,
    course TEXT NOT NULL,
    event_type TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT
  );
  CREATE INDEX IF NOT EXISTS xapi_statements_due ON xapi_statements(next_attempt_at) WHERE status = 'pending';
  `,
  // 8: tombstones of erased learners (issue 5): the SHA-256 of the id and when, so that events their browser
  // still holds from before the erasure are not stored again.
  `
  CREATE TABLE erased_learners (
    id_hash TEXT PRIMARY KEY,
    erased_at TEXT NOT NULL
  );
  `,
  // 9: a learner's own events by their id, for an export or an erasure without reading every event.
  `
  CREATE INDEX events_by_learner ON events(learner);
  `,
];

/**
 * The same migrations for PostgreSQL (issue 5), numbered alike: each is the
 * SQLite text with its types mapped (TEXT compares bytes as SQLite's BINARY
 * does, whatever the database's collation: COLLATE "C"; INTEGER is BIGINT;
 * autoincrement keys are identity columns), except where a step is written in
 * SQLite's own SQL:
 * - 4 copies rows with INSERT OR IGNORE: ON CONFLICT DO NOTHING here;
 * - 6 turns opt-ins made before the peer.opted-in event existed into events,
 *   with SQLite's JSON and random functions. PostgreSQL support came after
 *   that event (a PostgreSQL database holds no such opt-in), so only its
 *   second step runs here;
 * - 7 adds a seq column to keep the queue in insertion order (SQLite's rowid).
 * The version is kept in tandem_schema; postgres-store.ts runs each migration
 * in its own transaction, one process at a time (an advisory lock).
 */
export const POSTGRES_MIGRATIONS: readonly string[] = SQLITE_MIGRATIONS.map((sqlite, index) => {
  const version = index + 1;
  let text = sqlite;
  if (version === 4) {
    text = text.replace(
      /INSERT OR IGNORE INTO course_learners \(course, learner, first_seen\)\s+SELECT course, learner, opted_in_at FROM peer_profiles;/,
      'INSERT INTO course_learners (course, learner, first_seen) SELECT course, learner, opted_in_at FROM peer_profiles ON CONFLICT DO NOTHING;',
    );
  }
  if (version === 6) text = 'DELETE FROM stats_meta;';
  if (version === 7) text = text.replace('CREATE TABLE IF NOT EXISTS xapi_statements (', 'CREATE TABLE IF NOT EXISTS xapi_statements (\n    seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,');
  return text
    .replace(/\bINTEGER PRIMARY KEY AUTOINCREMENT\b/g, 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY')
    .replace(/\bid INTEGER PRIMARY KEY\b/g, 'id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY')
    .replace(/\bINTEGER\b/g, 'BIGINT')
    .replace(/\bTEXT\b/g, 'TEXT COLLATE "C"')
    .replace(/\)\s*WITHOUT ROWID;/g, ');');
});
