-- Chat rooms (docs/chat.md).
-- A pair may hold one ACTIVE room at a time; once one member has left, the inactive room stays
-- with the other member and the pair may open a new one. The unique key therefore covers only
-- active rooms (NULL for inactive ones, and NULLs never collide in a unique index).
ALTER TABLE rooms
  DROP INDEX ux_rooms_pair,
  ADD INDEX ix_rooms_pair (member_low, member_high),
  ADD COLUMN active_pair VARCHAR(41) AS (IF(status = 'active', CONCAT(member_low, ':', member_high), NULL)) PERSISTENT,
  ADD UNIQUE KEY ux_rooms_active_pair (active_pair);

-- The room list and the on-connect joins read a member's current rooms.
ALTER TABLE room_members
  ADD INDEX ix_room_members_member_current (member_id, left_at);
