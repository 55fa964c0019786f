using Distance.Data.Members;

namespace Distance.Realtime.Members;

/// <summary>How member rows become the contract's profiles (Distance.Contracts): public ones never carry a phone.</summary>
public static class ProfileMapping
{
    extension(PublicProfile)
    {
        public static PublicProfile From(PublicProfileRow row) => new(
            row.MemberId, row.Nickname, row.Gender, new SchoolRef(row.SchoolCode, row.SchoolName), row.Department,
            row.Mbti, row.Character, row.Tags, row.Hobbies);
    }

    extension(MemberProfile)
    {
        /// <summary>GET /api/me: the member's own profile, phone number included (only ever shown to the member).</summary>
        public static MemberProfile From(MemberRow row) => new(
            row.Id, row.Phone, row.Nickname, row.Gender, new SchoolRef(row.SchoolCode, row.SchoolName), row.College,
            row.Department, row.Mbti, row.Character, row.Tags, row.Hobbies, row.StudentVerified, row.RoomCapacity, row.CreatedAt);
    }
}
