namespace Distance.Data.Locations;

/// <summary>A grid bucket read for one query: its id and how many members hold its slots 0..Size-1.</summary>
public sealed record BucketSize(long Id, int Size);

/// <summary>One draw: a slot of a bucket.</summary>
public readonly record struct SlotDraw(long BucketId, int Slot);

/// <summary>
/// Draws slots uniformly from the union of some buckets: a random integer below the total size
/// picks the bucket by prefix sums and the slot within it, so every slot (hence every member in
/// the buckets) has the same probability 1/Total per draw.
/// </summary>
public sealed class BucketSampler
{
    private readonly IReadOnlyList<BucketSize> buckets;
    private readonly long[] ends;

    public BucketSampler(IReadOnlyList<BucketSize> buckets)
    {
        // Empty buckets would repeat an end and confuse the binary search.
        this.buckets = buckets = buckets.Where(b => b.Size > 0).ToList();
        ends = new long[buckets.Count];
        long total = 0;
        for (var i = 0; i < buckets.Count; i++)
        {
            total += buckets[i].Size;
            ends[i] = total;
        }
        Total = total;
    }

    /// <summary>Members in all buckets together.</summary>
    public long Total { get; }

    public SlotDraw Draw(Random random)
    {
        if (Total == 0)
            throw new InvalidOperationException("There is nothing to draw from.");
        var position = random.NextInt64(Total);
        // The first bucket whose end lies beyond the position holds it.
        var index = Array.BinarySearch(ends, position + 1);
        if (index < 0)
            index = ~index;
        var start = ends[index] - buckets[index].Size;
        return new SlotDraw(buckets[index].Id, (int)(position - start));
    }

    public IReadOnlyList<SlotDraw> Draw(Random random, int count)
    {
        var draws = new SlotDraw[count];
        for (var i = 0; i < count; i++)
            draws[i] = Draw(random);
        return draws;
    }
}
