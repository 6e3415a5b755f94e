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
];
