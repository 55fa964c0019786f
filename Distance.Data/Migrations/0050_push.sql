-- Push delivery (docs/push.md).

-- One registration per login (a refresh-token family): a member on two devices has two. The
-- device hash is SHA-256 of the FCM token or the Web Push endpoint, so "the same device" can be
-- found whatever its kind (a token moving to a new login leaves the old one).
CREATE TABLE push_registrations (
  login_id    BIGINT        NOT NULL PRIMARY KEY,
  member_id   BIGINT        NOT NULL,
  kind        ENUM('fcm','webpush') NOT NULL,
  token       VARCHAR(512)  NULL,
  endpoint    VARCHAR(1024) NULL,
  p256dh      VARCHAR(128)  NULL,
  auth        VARCHAR(64)   NULL,
  device_hash BINARY(32)    NOT NULL,
  updated_at  DATETIME(3)   NOT NULL,
  KEY ix_push_registrations_member (member_id),
  KEY ix_push_registrations_device (device_hash)
);

-- v1 kept the FCM token on the login row; it moves here.
INSERT INTO push_registrations (login_id, member_id, kind, token, device_hash, updated_at)
SELECT id, member_id, 'fcm', push_token, UNHEX(SHA2(push_token, 256)), UTC_TIMESTAMP(3)
FROM logins WHERE revoked_at IS NULL AND push_token IS NOT NULL AND push_token <> '';

-- The transactional outbox: a row is written in the same transaction as what it announces and
-- deleted by the relay only after its records are on the stream distance:push. One row per
-- (member, kind, subject): a burst of messages in a room upserts one row and counts them.
CREATE TABLE push_outbox (
  id         BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  member_id  BIGINT       NOT NULL,
  kind       ENUM('message','request','room','phone') NOT NULL,
  subject_id BIGINT       NOT NULL,
  actor_id   BIGINT       NULL,
  body       VARCHAR(500) NULL,
  events     INT          NOT NULL DEFAULT 1,
  created_at DATETIME(3)  NOT NULL,
  UNIQUE KEY ux_push_outbox_subject (member_id, kind, subject_id),
  KEY ix_push_outbox_created (created_at)
);
