-- A relay claims outbox rows in a short transaction of its own (claim = the row's id) instead of
-- holding them locked while it writes to Redis: the message batches that upsert the same
-- (member, kind, subject) no longer wait for the relay (or deadlock with it), they start a new
-- unclaimed row (claim = 0) next to the claimed one. A claim older than the lease is taken again,
-- so a relay that died between the stream and the delete loses nothing (at worst a push twice).
ALTER TABLE push_outbox
  ADD COLUMN claim      BIGINT      NOT NULL DEFAULT 0,
  ADD COLUMN claimed_at DATETIME(3) NULL,
  DROP INDEX ux_push_outbox_subject,
  ADD UNIQUE KEY ux_push_outbox_subject (member_id, kind, subject_id, claim);
