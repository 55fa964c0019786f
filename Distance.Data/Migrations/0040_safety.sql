-- Safety and moderation (docs/safety.md): blocks, reports v2 with evidence, who has met whom,
-- the per-pair room cap, member moderation status, banned phones and the operators' audit log.
--
-- Phone hashes are HMAC-SHA256 of the digits with Moderation:PhoneHashKey (Auth/PhoneHasher.cs):
-- rows about a deleted account are kept under its phone's hash, never the number, and return to
-- the member who signs up again with that phone.

-- One row per blocker and blocked; the rules read both directions (Safety/MeetingRules.cs).
CREATE TABLE blocks (
  blocker_id         BIGINT      NOT NULL,
  blocked_id         BIGINT      NOT NULL,
  created_at         DATETIME(3) NOT NULL,
  -- Set when the blocked member deletes the account: the block comes back with the phone.
  blocked_phone_hash BINARY(32)  NULL,
  PRIMARY KEY (blocker_id, blocked_id),
  KEY ix_blocks_blocked (blocked_id),
  KEY ix_blocks_blocked_phone (blocked_phone_hash)
);

-- v1 rows stay: they still keep the pair apart, but only v2 reports (a verified reporter who had
-- met the member) count towards a suspension, so counts is FALSE for them.
ALTER TABLE reports
  ADD COLUMN id                  BIGINT        NOT NULL AUTO_INCREMENT,
  ADD UNIQUE KEY ux_reports_id (id),
  ADD COLUMN details             VARCHAR(1000) NULL,
  ADD COLUMN room_id             BIGINT        NULL,
  ADD COLUMN counts              BOOLEAN       NOT NULL DEFAULT FALSE,
  ADD COLUMN resolved_at         DATETIME(3)   NULL,
  ADD COLUMN reported_phone_hash BINARY(32)    NULL,
  ADD COLUMN reporter_phone_hash BINARY(32)    NULL,
  ADD KEY ix_reports_status (resolved_at, reported_id),
  ADD KEY ix_reports_reported_phone (reported_phone_hash),
  ADD KEY ix_reports_reporter_phone (reporter_phone_hash);

-- The reported room's last messages, copied when the report is filed: they outlive the room.
CREATE TABLE report_evidence (
  report_id         BIGINT       NOT NULL,
  room_id           BIGINT       NOT NULL,
  seq               BIGINT       NOT NULL,
  sender_id         BIGINT       NULL,
  kind              ENUM('text','system') NOT NULL,
  text              VARCHAR(500) NOT NULL,
  sent_at           DATETIME(3)  NOT NULL,
  client_message_id CHAR(36)     NULL,
  PRIMARY KEY (report_id, seq)
);

-- Every pair that has ever shared a room or a request (rooms and requests are deleted, this is
-- not): whom a member may report. Pairs in ascending id order, like rooms.
CREATE TABLE met_pairs (
  member_low  BIGINT      NOT NULL,
  member_high BIGINT      NOT NULL,
  first_at    DATETIME(3) NOT NULL,
  PRIMARY KEY (member_low, member_high)
);

INSERT IGNORE INTO met_pairs (member_low, member_high, first_at)
SELECT member_low, member_high, MIN(created_at) FROM rooms GROUP BY member_low, member_high;

INSERT IGNORE INTO met_pairs (member_low, member_high, first_at)
SELECT LEAST(from_member_id, to_member_id), GREATEST(from_member_id, to_member_id), created_at FROM room_requests;

-- Rooms opened by a pair, for the cap on new rooms per pair and day; a pair's rows older than a
-- day are pruned when it opens the next room.
CREATE TABLE room_openings (
  member_low  BIGINT      NOT NULL,
  member_high BIGINT      NOT NULL,
  opened_at   DATETIME(3) NOT NULL,
  KEY ix_room_openings_pair (member_low, member_high, opened_at)
);

-- What stands behind deactivated_at: a suspension (reinstatable) or a ban. v1 deactivations
-- become suspensions, so an operator can review them.
ALTER TABLE members
  ADD COLUMN moderation ENUM('active','suspended','banned') NOT NULL DEFAULT 'active';

UPDATE members SET moderation = 'suspended' WHERE deactivated_at IS NOT NULL;

-- Phones that can neither get a code nor sign up again.
CREATE TABLE banned_phones (
  phone_hash BINARY(32)  NOT NULL PRIMARY KEY,
  member_id  BIGINT      NOT NULL,
  banned_at  DATETIME(3) NOT NULL
);

-- Every operator action. Append-only: the code that writes it has no UPDATE or DELETE, and
-- deleting a member leaves its rows.
CREATE TABLE moderation_actions (
  id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  operator_id BIGINT       NOT NULL,
  action      ENUM('reinstate','ban') NOT NULL,
  member_id   BIGINT       NOT NULL,
  reason      VARCHAR(500) NULL,
  created_at  DATETIME(3)  NOT NULL,
  KEY ix_moderation_actions_member (member_id)
);
