namespace Distance.Data.Locations;

/// <summary>The statements of <see cref="LocationMoves"/>, kept in one place because they work as a set.</summary>
internal sealed partial class LocationMoves
{
    private const string PlaceSql = """
        SELECT m.school_code AS SchoolCode, m.gender AS Gender, s.womens_university AS WomensUniversity
        FROM members m JOIN schools s ON s.code = m.school_code
        WHERE m.id = @memberId
        """;

    /// <summary>Old and new bucket of each changed level: at most two per level.</summary>
    private const int LockPairs = 6;

    // One range read of the primary key locks the buckets in key order, the same order for every
    // transaction, so movers cannot deadlock on each other's buckets.
    private const string LockBucketsSql = """
        SET STATEMENT innodb_lock_wait_timeout = 5 FOR
        SELECT level AS Level, cell AS Cell, id AS Id, size AS Size
        FROM location_buckets
        WHERE school_code = @school AND gender = @gender
          AND (level, cell) IN ((@l0, @c0), (@l1, @c1), (@l2, @c2), (@l3, @c3), (@l4, @c4), (@l5, @c5))
        ORDER BY level, cell
        FOR UPDATE
        """;

    private const string CreateBucketsSql = """
        INSERT IGNORE INTO location_buckets (school_code, gender, level, cell, womens_university)
        SELECT @school, @gender, b.level, b.cell, @womens
        FROM JSON_TABLE(@buckets, '$[*]' COLUMNS (level TINYINT PATH '$[0]', cell BIGINT PATH '$[1]')) b
        """;

    private const string LockOwnRowSql = """
        SET STATEMENT innodb_lock_wait_timeout = 5 FOR
        SELECT cell0 AS Cell0, cell1 AS Cell1, cell2 AS Cell2 FROM member_locations WHERE member_id = @memberId FOR UPDATE
        """;

    private const string OwnSlotsSql = "SELECT level AS Level, bucket_id AS BucketId, slot AS Slot FROM location_slots WHERE member_id = @memberId";

    // The new slot is the bucket's size: the first free one.
    private const string InsertSlotSql = """
        INSERT INTO location_slots (bucket_id, slot, member_id, level) VALUES (@newBucket, @newSlot, @memberId, @level);
        UPDATE location_buckets SET size = size + 1 WHERE id = @newBucket;
        """;

    // Leaving a bucket hands the member's old slot to the bucket's last member, so the slots stay
    // 0..size-1. When the member was the last one, the second UPDATE matches nothing.
    private const string MoveSlotSql = """
        UPDATE location_slots SET bucket_id = @newBucket, slot = @newSlot WHERE member_id = @memberId AND level = @level;
        UPDATE location_buckets SET size = size + 1 WHERE id = @newBucket;
        UPDATE location_slots SET slot = @oldSlot WHERE bucket_id = @oldBucket AND slot = @lastSlot;
        UPDATE location_buckets SET size = size - 1 WHERE id = @oldBucket;
        """;

    private const string DeleteSlotSql = """
        DELETE FROM location_slots WHERE member_id = @memberId AND level = @level;
        UPDATE location_slots SET slot = @oldSlot WHERE bucket_id = @oldBucket AND slot = @lastSlot;
        UPDATE location_buckets SET size = size - 1 WHERE id = @oldBucket;
        """;

    private const string InsertLocationSql = """
        INSERT INTO member_locations (member_id, latitude, longitude, cell0, cell1, cell2, updated_at)
        VALUES (@memberId, @latitude, @longitude, @cell0, @cell1, @cell2, UTC_TIMESTAMP(3))
        """;

    private const string UpdateLocationSql = """
        UPDATE member_locations
        SET latitude = @latitude, longitude = @longitude, cell0 = @cell0, cell1 = @cell1, cell2 = @cell2, updated_at = UTC_TIMESTAMP(3)
        WHERE member_id = @memberId
        """;

    private const string DeleteLocationSql = "DELETE FROM member_locations WHERE member_id = @memberId";
}
