namespace Distance.Realtime.Matching;

/// <summary>The scripts of <see cref="CellIndex"/>.</summary>
public sealed partial class CellIndex
{
    // KEYS[1] the built marker, KEYS[2..] the cover's sets; ARGV[1] read every entry when there are
    // at most this many, ARGV[2..] one uniform number in [0, 1) per draw. Nil before the index is
    // built; else {total, everyone (0/1), then per entry: the index of its set among the cover's
    // cells (from 1), its member}. SCARD and SRANDMEMBER are O(1): a draw costs the cover's cells
    // plus the draws, whatever the crowd.
    private const string DrawScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return false end
        local ends, total = {}, 0
        for i = 2, #KEYS do
          total = total + redis.call('SCARD', KEYS[i])
          ends[i] = total
        end
        if total <= tonumber(ARGV[1]) then
          local out = {total, 1}
          for i = 2, #KEYS do
            if ends[i] > (ends[i - 1] or 0) then
              for _, member in ipairs(redis.call('SMEMBERS', KEYS[i])) do
                out[#out + 1] = i - 1
                out[#out + 1] = member
              end
            end
          end
          return out
        end
        local out = {total, 0}
        for d = 2, #ARGV do
          local position = math.min(math.floor(tonumber(ARGV[d]) * total), total - 1)
          local low, high = 2, #KEYS
          while low < high do
            local middle = math.floor((low + high) / 2)
            if ends[middle] > position then high = middle else low = middle + 1 end
          end
          out[#out + 1] = low - 1
          out[#out + 1] = redis.call('SRANDMEMBER', KEYS[low])
        end
        return out
        """;

    // KEYS[i] gets ARGV[i]: a member id to add, or "-" and the id to remove.
    private const string ApplyScript = """
        for i = 1, #KEYS do
          local change = ARGV[i]
          if string.sub(change, 1, 1) == '-' then
            redis.call('SREM', KEYS[i], string.sub(change, 2))
          else
            redis.call('SADD', KEYS[i], change)
          end
        end
        return #KEYS
        """;
}
