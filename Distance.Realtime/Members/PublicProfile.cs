using Distance.Data.Members;

namespace Distance.Realtime.Members;

public sealed record SchoolRef(string Code, string Name);

/// <summary>The contract's public profile: what matches, rooms and requests show of another member.</summary>
public sealed record PublicProfile(
    long MemberId, string Nickname, string Gender, SchoolRef School, string Department, string Mbti,
    string Character, IReadOnlyList<string> Tags, IReadOnlyList<string> Hobbies)
{
    public static PublicProfile From(PublicProfileRow row) => new(
        row.MemberId, row.Nickname, row.Gender, new SchoolRef(row.SchoolCode, row.SchoolName), row.Department,
        row.Mbti, row.Character, row.Tags, row.Hobbies);
}
