-- Core schema. Migrations are append-only: never edit a shipped file, add a new one.

CREATE TABLE schools (
  code              VARCHAR(32)  NOT NULL PRIMARY KEY,
  name              VARCHAR(100) NOT NULL,
  womens_university BOOLEAN      NOT NULL,
  campus_latitude   DOUBLE       NOT NULL,
  campus_longitude  DOUBLE       NOT NULL,
  KEY ix_schools_name (name)
);

-- A domain can serve more than one campus of the same university.
CREATE TABLE school_domains (
  domain      VARCHAR(100) NOT NULL,
  school_code VARCHAR(32)  NOT NULL,
  PRIMARY KEY (domain, school_code),
  KEY ix_school_domains_school (school_code)
);

CREATE TABLE members (
  id               BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  phone            CHAR(11)     NOT NULL,
  password_hash    VARCHAR(200) NOT NULL,
  gender           ENUM('male','female') NOT NULL,
  school_code      VARCHAR(32)  NOT NULL,
  college          VARCHAR(50)  NOT NULL,
  department       VARCHAR(50)  NOT NULL,
  mbti             VARCHAR(4)   NOT NULL,
  `character`      VARCHAR(50)  NOT NULL,
  tags             JSON         NOT NULL,
  hobbies          JSON         NOT NULL,
  student_verified BOOLEAN      NOT NULL DEFAULT FALSE,
  room_capacity    TINYINT      NOT NULL DEFAULT 3,
  deactivated_at   DATETIME(3)  NULL,
  created_at       DATETIME(3)  NOT NULL,
  last_active_at   DATETIME(3)  NOT NULL,
  UNIQUE KEY ux_members_phone (phone)
);

-- One row per login (a refresh-token family); its push token belongs to that device.
CREATE TABLE logins (
  id         BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  member_id  BIGINT       NOT NULL,
  push_token VARCHAR(512) NULL,
  created_at DATETIME(3)  NOT NULL,
  revoked_at DATETIME(3)  NULL,
  KEY ix_logins_member (member_id)
);

-- Refresh tokens are stored as SHA-256 hashes only; rotated_at marks a used one.
CREATE TABLE refresh_tokens (
  token_hash BINARY(32)  NOT NULL PRIMARY KEY,
  login_id   BIGINT      NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  rotated_at DATETIME(3) NULL,
  KEY ix_refresh_tokens_login (login_id)
);

CREATE TABLE reports (
  reported_id BIGINT       NOT NULL,
  reporter_id BIGINT       NOT NULL,
  reason      VARCHAR(500) NOT NULL,
  created_at  DATETIME(3)  NOT NULL,
  PRIMARY KEY (reported_id, reporter_id),
  KEY ix_reports_reporter (reporter_id)
);

-- A room joins one pair of members, stored in ascending id order so a pair has one row.
CREATE TABLE rooms (
  id               BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  member_low       BIGINT      NOT NULL,
  member_high      BIGINT      NOT NULL,
  status           ENUM('active','inactive') NOT NULL DEFAULT 'active',
  last_seq         BIGINT      NOT NULL DEFAULT 0,
  last_sender_id   BIGINT      NULL,
  exchanges        INT         NOT NULL DEFAULT 0,
  created_at       DATETIME(3) NOT NULL,
  last_activity_at DATETIME(3) NOT NULL,
  UNIQUE KEY ux_rooms_pair (member_low, member_high),
  KEY ix_rooms_member_high (member_high)
);

CREATE TABLE room_members (
  room_id       BIGINT      NOT NULL,
  member_id     BIGINT      NOT NULL,
  read_seq      BIGINT      NOT NULL DEFAULT 0,
  phone_consent BOOLEAN     NOT NULL DEFAULT FALSE,
  left_at       DATETIME(3) NULL,
  PRIMARY KEY (room_id, member_id),
  KEY ix_room_members_member (member_id)
);

CREATE TABLE messages (
  room_id           BIGINT       NOT NULL,
  seq               BIGINT       NOT NULL,
  sender_id         BIGINT       NULL,
  kind              ENUM('text','system') NOT NULL,
  text              VARCHAR(500) NOT NULL,
  sent_at           DATETIME(3)  NOT NULL,
  client_message_id CHAR(36)     NULL,
  PRIMARY KEY (room_id, seq),
  UNIQUE KEY ux_messages_client_id (room_id, client_message_id)
);

-- One waiting request per ordered pair; it lives in the receiver's inbox.
CREATE TABLE room_requests (
  id             BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  from_member_id BIGINT      NOT NULL,
  to_member_id   BIGINT      NOT NULL,
  created_at     DATETIME(3) NOT NULL,
  UNIQUE KEY ux_room_requests_pair (from_member_id, to_member_id),
  KEY ix_room_requests_to (to_member_id)
);
