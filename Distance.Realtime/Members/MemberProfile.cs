using Distance.Data.Members;

namespace Distance.Realtime.Members;

/// <summary>GET /api/me: the member's own profile, phone number included (only ever shown to the member).</summary>
public sealed record MemberProfile(
    long MemberId, string Phone, string Nickname, string Gender, SchoolRef School, string College, string Department,
    string Mbti, string Character, IReadOnlyList<string> Tags, IReadOnlyList<string> Hobbies, bool StudentVerified,
    int RoomCapacity, DateTime CreatedAt)
{
    public static MemberProfile From(MemberRow row) => new(
        row.Id, row.Phone, row.Nickname, row.Gender, new SchoolRef(row.SchoolCode, row.SchoolName), row.College,
        row.Department, row.Mbti, row.Character, row.Tags, row.Hobbies, row.StudentVerified, row.RoomCapacity, row.CreatedAt);
}
