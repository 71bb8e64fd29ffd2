#include "store/schema.h"

#include <string>
#include <vector>

namespace siaga {

namespace {

// Instants are UTC seconds since the epoch (INTEGER). JSON columns hold objects.
const std::vector<std::string> kMigrations = {
    // 1: the core model.
    R"sql(
CREATE TABLE procedure_versions (
  id            INTEGER PRIMARY KEY,
  procedure_id  TEXT    NOT NULL,
  hash          TEXT    NOT NULL UNIQUE,      -- SHA-256 of the source text
  revision      INTEGER NOT NULL,
  file          TEXT    NOT NULL,
  title         TEXT    NOT NULL,
  zona_waktu    TEXT    NOT NULL,             -- WIB, WITA or WIT: how its instants are shown
  source        TEXT    NOT NULL,             -- kept so a pinned case can always run its version
  published_at  INTEGER NOT NULL
);
CREATE INDEX procedure_versions_by_id ON procedure_versions(procedure_id, id);

CREATE TABLE cases (
  id              INTEGER PRIMARY KEY,
  number          TEXT    NOT NULL UNIQUE,
  procedure_id    TEXT    NOT NULL,
  version_id      INTEGER NOT NULL REFERENCES procedure_versions(id),
  title           TEXT    NOT NULL,
  status          TEXT    NOT NULL CHECK (status IN ('open','waiting','resolved','closed','cancelled')),
  outcome         TEXT,
  fields          TEXT    NOT NULL DEFAULT '{}',
  opened_at       INTEGER NOT NULL,
  closed_at       INTEGER,
  sla_due_at      INTEGER,
  parent_case_id  INTEGER REFERENCES cases(id),
  parent_step_id  INTEGER,
  dedupe_key      TEXT UNIQUE
);
CREATE INDEX cases_by_status ON cases(status, id);

CREATE TABLE step_instances (
  id            INTEGER PRIMARY KEY,
  case_id       INTEGER NOT NULL REFERENCES cases(id),
  step_id       TEXT    NOT NULL,
  kind          TEXT    NOT NULL,
  visit         INTEGER NOT NULL,               -- 1, 2, ... : loops keep every visit
  role          TEXT,
  state         TEXT    NOT NULL CHECK (state IN ('ready','done','cancelled')),
  ready_at      INTEGER NOT NULL,
  warn_at       INTEGER,
  due_at        INTEGER,
  basis         TEXT,
  completed_at  INTEGER,
  completed_by  TEXT,
  outcome       TEXT                            -- branch label, signal or 'timeout'
);
CREATE INDEX step_instances_by_case ON step_instances(case_id, id);
CREATE UNIQUE INDEX one_open_visit ON step_instances(case_id, step_id) WHERE state = 'ready';

CREATE TABLE decisions (
  id                INTEGER PRIMARY KEY,
  step_instance_id  INTEGER NOT NULL REFERENCES step_instances(id),
  label             TEXT    NOT NULL,
  decided_by        TEXT    NOT NULL,
  decided_at        INTEGER NOT NULL,
  note              TEXT
);

CREATE TABLE evidence (
  id                INTEGER PRIMARY KEY,
  case_id           INTEGER NOT NULL REFERENCES cases(id),
  step_instance_id  INTEGER REFERENCES step_instances(id),
  name              TEXT    NOT NULL,
  media_type        TEXT,
  size              INTEGER NOT NULL,
  sha256            TEXT    NOT NULL,
  tlp               TEXT    NOT NULL DEFAULT 'AMBER',
  added_by          TEXT    NOT NULL,
  added_at          INTEGER NOT NULL
);

CREATE TABLE timers (
  id                INTEGER PRIMARY KEY,
  case_id           INTEGER NOT NULL REFERENCES cases(id),
  step_instance_id  INTEGER REFERENCES step_instances(id),
  kind              TEXT    NOT NULL CHECK (kind IN ('wait_timeout','sla_warn','sla_due','case_sla_due','call')),
  due_at            INTEGER NOT NULL,
  basis             TEXT    NOT NULL,
  source            TEXT    NOT NULL,           -- the time standard as written
  state             TEXT    NOT NULL CHECK (state IN ('armed','fired','cancelled')),
  fired_at          INTEGER,
  function          TEXT                        -- kind 'call': the procedure's fungsi to run
);
CREATE INDEX timers_armed ON timers(due_at, id) WHERE state = 'armed';

CREATE TABLE outbox (
  id                INTEGER PRIMARY KEY,
  case_id           INTEGER NOT NULL REFERENCES cases(id),
  step_instance_id  INTEGER REFERENCES step_instances(id),
  recipient_role    TEXT    NOT NULL,
  template          TEXT    NOT NULL,
  tlp               TEXT    NOT NULL,
  idempotency_key   TEXT    NOT NULL UNIQUE,
  state             TEXT    NOT NULL DEFAULT 'pending',
  created_at        INTEGER NOT NULL
);

CREATE TABLE audit_events (
  seq               INTEGER PRIMARY KEY,
  at                INTEGER NOT NULL,
  actor             TEXT    NOT NULL,
  case_id           INTEGER REFERENCES cases(id),
  step_instance_id  INTEGER,
  event             TEXT    NOT NULL,
  detail            TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_by_case ON audit_events(case_id, seq);
-- The audit trail is append-only: the engine never updates or deletes it.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
)sql",
    // 2: engine settings, e.g. the hash of the calendar data open deadlines were computed on.
    R"sql(
CREATE TABLE settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);
-- The service-standard clock stops while an external party works (jeda_sla_kasus).
ALTER TABLE cases ADD COLUMN sla_paused_at INTEGER;
)sql",
    // 3: the HTTP side: API tokens, webhook secrets, the webhook inbox; evidence bytes; assignees.
    R"sql(
-- A token is shown once at creation; only its SHA-256 is kept.
CREATE TABLE api_tokens (
  id          INTEGER PRIMARY KEY,
  user_name   TEXT    NOT NULL,
  roles       TEXT    NOT NULL,                 -- JSON array of role ids, e.g. ["helpdesk"], ["admin"]
  token_hash  TEXT    NOT NULL UNIQUE,
  note        TEXT    NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  created_by  TEXT    NOT NULL,
  revoked_at  INTEGER
);
-- HMAC secrets of webhook adapters (the signer needs the secret itself, so it cannot be hashed).
CREATE TABLE webhook_secrets (
  adapter     TEXT    PRIMARY KEY,
  secret      TEXT    NOT NULL,
  created_at  INTEGER NOT NULL
);
-- Every acknowledged webhook payload, kept so that a failed adapter run can be repeated.
CREATE TABLE inbox (
  id           INTEGER PRIMARY KEY,
  adapter      TEXT    NOT NULL,
  sender       TEXT    NOT NULL,
  content_type TEXT    NOT NULL,
  body         BLOB    NOT NULL,
  sha256       TEXT    NOT NULL,
  received_at  INTEGER NOT NULL,
  state        TEXT    NOT NULL CHECK (state IN ('processed','held')),
  error        TEXT,
  attempts     INTEGER NOT NULL DEFAULT 1,
  result       TEXT    NOT NULL DEFAULT '{}'    -- {accepted, duplicates, ignored, cases}
);
CREATE INDEX inbox_held ON inbox(state) WHERE state = 'held';
ALTER TABLE evidence ADD COLUMN content BLOB;
ALTER TABLE step_instances ADD COLUMN assignee TEXT;
CREATE INDEX cases_by_procedure ON cases(procedure_id, id);
)sql",
    // 4: versions take effect on a date; a derived procedure keeps the sources of its bases.
    R"sql(
ALTER TABLE procedure_versions ADD COLUMN effective_from INTEGER;
ALTER TABLE procedure_versions ADD COLUMN bases TEXT NOT NULL DEFAULT '{}';
)sql",
    // 5: indexes for per-case reads and per-step timer updates. Without them a case page, and
    // every step completion ("UPDATE timers ... WHERE state = 'armed' AND step_instance_id = ?"),
    // scanned whole tables: O(cases) per command once the store holds a million cases.
    R"sql(
CREATE INDEX timers_by_case ON timers(case_id, id);
CREATE INDEX timers_armed_by_step ON timers(step_instance_id) WHERE state = 'armed';
CREATE INDEX evidence_by_case ON evidence(case_id, id);
CREATE INDEX decisions_by_step ON decisions(step_instance_id);
CREATE INDEX outbox_by_case ON outbox(case_id, id);
CREATE INDEX cases_by_version ON cases(version_id);
)sql",
    // 6: a notice (outbox row) becomes one delivery per recipient and channel, rendered in the
    // transaction that queued it and sent by the delivery workers; the outbox row says whether
    // any recipient was found ('queued') or none ('unrouted').
    R"sql(
CREATE TABLE deliveries (
  id               INTEGER PRIMARY KEY,
  outbox_id        INTEGER NOT NULL REFERENCES outbox(id),
  case_id          INTEGER NOT NULL REFERENCES cases(id),
  channel          TEXT    NOT NULL,
  recipient        TEXT    NOT NULL,            -- e-mail address; '' for a channel's own endpoint
  language         TEXT    NOT NULL,
  tlp              TEXT    NOT NULL,
  subject          TEXT    NOT NULL,
  body_text        TEXT    NOT NULL,
  body_html        TEXT    NOT NULL,
  data             TEXT    NOT NULL DEFAULT '{}', -- the case and step facts sent to HTTP channels
  idempotency_key  TEXT    NOT NULL UNIQUE,       -- sent with every attempt
  state            TEXT    NOT NULL CHECK (state IN ('pending','sent','dead','refused')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  max_attempts     INTEGER NOT NULL,
  next_attempt_at  INTEGER NOT NULL,
  last_error       TEXT,
  sent_at          INTEGER,
  created_at       INTEGER NOT NULL
);
CREATE INDEX deliveries_due ON deliveries(next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX deliveries_by_case ON deliveries(case_id, id);
CREATE INDEX deliveries_dead ON deliveries(id) WHERE state = 'dead';
)sql",
    // 7: agencies as tenants (docs/multi-agency.md). A token may be bound to agencies (it acts
    // and reads there only) and may oversee others (reads their cases, never acts); a token with
    // neither keeps the single-agency behaviour. A case handed over to another agency links the
    // case it came from.
    R"sql(
ALTER TABLE api_tokens ADD COLUMN agencies TEXT NOT NULL DEFAULT '[]';  -- JSON array of agency ids
ALTER TABLE api_tokens ADD COLUMN oversees TEXT NOT NULL DEFAULT '[]';  -- JSON array of agency ids
ALTER TABLE cases ADD COLUMN handed_over_from INTEGER REFERENCES cases(id);
ALTER TABLE cases ADD COLUMN handed_over_to INTEGER REFERENCES cases(id);
)sql",
    // 8: a token may end by itself (an acting official's term); NULL: until revoked.
    R"sql(
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
)sql",
};

}  // namespace

Status MigrateSchema(Database& db) {
  if (kMigrations.size() != static_cast<std::size_t>(kSchemaVersion))
    return Internal("kSchemaVersion is " + std::to_string(kSchemaVersion) + " but there are " + std::to_string(kMigrations.size()) + " migrations");
  auto stmt = db.Prepare("PRAGMA user_version");
  if (!stmt.ok()) return stmt.status();
  auto row = stmt->Step();
  if (!row.ok()) return row.status();
  const int version = static_cast<int>(stmt->Int(0));
  stmt->Run();
  if (version > kSchemaVersion)
    return StorageError("database " + db.path() + " has schema version " + std::to_string(version) +
                        ", newer than this siaga (" + std::to_string(kSchemaVersion) + "); upgrade siaga");
  for (int v = version; v < kSchemaVersion; ++v) {
    Status st = db.Begin();
    if (st.ok()) st = db.Exec(kMigrations[static_cast<std::size_t>(v)]);
    if (st.ok()) st = db.Exec("PRAGMA user_version = " + std::to_string(v + 1));
    if (st.ok()) st = db.Commit();
    if (!st.ok()) {
      db.Rollback();
      return StorageError("migration to schema version " + std::to_string(v + 1) + " failed: " + st.message());
    }
  }
  return Status::Ok();
}

Status QuickCheck(Database& db) {
  auto stmt = db.Prepare("PRAGMA quick_check");
  if (!stmt.ok()) return stmt.status();
  auto row = stmt->Step();
  if (!row.ok()) return row.status();
  const std::string result = stmt->Text(0);
  stmt->Run();
  if (result != "ok") return StorageError("database " + db.path() + " failed quick_check: " + result);
  return Status::Ok();
}

}  // namespace siaga
