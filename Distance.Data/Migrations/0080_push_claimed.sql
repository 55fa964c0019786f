-- A relay's claim moves its rows out of push_outbox into push_claimed (and deletes them there after
-- the stream) instead of marking them claim = id in place. The mark wrote a new entry into the
-- outbox's unique key, next to keys that message batches were upserting; a batch holding the
-- neighbouring key and waiting for a row the relay held made a deadlock, 4-17 per cold chat surge
-- (docs/benchmarks.md, "The push relay's deadlocks"). A delete only marks entries the relay holds.
-- Additive: nodes of the release before keep marking rows claim = id during a rolling restart, and
-- the new relay takes those once their lease has run out.
CREATE TABLE push_claimed (
  id         BIGINT       NOT NULL PRIMARY KEY,
  member_id  BIGINT       NOT NULL,
  kind       ENUM('message','request','room','phone') NOT NULL,
  subject_id BIGINT       NOT NULL,
  actor_id   BIGINT       NULL,
  body       VARCHAR(500) NULL,
  events     INT          NOT NULL,
  created_at DATETIME(3)  NOT NULL,
  claimed_at DATETIME(3)  NOT NULL,
  KEY ix_push_claimed_at (claimed_at)
);
