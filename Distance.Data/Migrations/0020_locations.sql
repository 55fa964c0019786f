-- Locations and the grid that matching samples from (docs/matching.md explains the design).
--
-- A member's last location sits in one grid cell per level (Locations/GeoGrid.cs). For each
-- (school, gender, level, cell) a bucket counts its members, and every member of a bucket holds a
-- dense slot 0..size-1 in it. Drawing a uniform random member of a set of buckets is then one
-- random number and one primary-key lookup, whatever the density: no distance is computed for
-- members that are not drawn.

CREATE TABLE location_buckets (
  school_code       VARCHAR(32) NOT NULL,
  gender            ENUM('male','female') NOT NULL,
  level             TINYINT     NOT NULL,
  cell              BIGINT      NOT NULL,
  id                BIGINT      NOT NULL AUTO_INCREMENT,
  -- Copied from schools (a member's school and gender never change) so that otherSchools can
  -- select buckets by the women's-university rule through an index.
  womens_university BOOLEAN     NOT NULL,
  size              INT         NOT NULL DEFAULT 0,
  PRIMARY KEY (school_code, gender, level, cell),
  UNIQUE KEY ux_location_buckets_id (id),
  KEY ix_location_buckets_pool (womens_university, gender, level, cell, id, size)
);

-- Slots 0..size-1 of a bucket are always all taken: a member leaving a bucket hands its slot to
-- the bucket's last member, under the bucket's row lock.
CREATE TABLE location_slots (
  bucket_id BIGINT  NOT NULL,
  slot      INT     NOT NULL,
  member_id BIGINT  NOT NULL,
  level     TINYINT NOT NULL,
  PRIMARY KEY (bucket_id, slot),
  UNIQUE KEY ux_location_slots_member (member_id, level)
);

-- The cells are kept beside the point so an update that stays in its cells is one UPDATE.
CREATE TABLE member_locations (
  member_id  BIGINT      NOT NULL PRIMARY KEY,
  latitude   DOUBLE      NOT NULL,
  longitude  DOUBLE      NOT NULL,
  cell0      BIGINT      NOT NULL,
  cell1      BIGINT      NOT NULL,
  cell2      BIGINT      NOT NULL,
  updated_at DATETIME(3) NOT NULL
);
