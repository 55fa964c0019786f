-- A school e-mail address verifies one account at a time (contract v2: 409 email_in_use).
-- A row whose member is gone no longer counts (the check joins members), so a deleted account
-- frees its address; one row per member, so verifying a new address releases the old one.
CREATE TABLE school_emails (
  email       VARCHAR(254) NOT NULL PRIMARY KEY,
  member_id   BIGINT       NOT NULL,
  verified_at DATETIME(3)  NOT NULL,
  UNIQUE KEY ux_school_emails_member (member_id)
);
