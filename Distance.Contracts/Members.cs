using System.Runtime.Serialization;

namespace Distance.Contracts;

[DataContract]
public sealed record SchoolRef(
    [property: DataMember(Name = "code")] string Code,
    [property: DataMember(Name = "name")] string Name);

/// <summary>What matches, rooms, requests and blocks show of another member: never a phone number.</summary>
[DataContract]
public sealed record PublicProfile(
    [property: DataMember(Name = "memberId")] long MemberId,
    [property: DataMember(Name = "nickname")] string Nickname,
    [property: DataMember(Name = "gender")] string Gender,
    [property: DataMember(Name = "school")] SchoolRef School,
    [property: DataMember(Name = "department")] string Department,
    [property: DataMember(Name = "mbti")] string Mbti,
    [property: DataMember(Name = "character")] string Character,
    [property: DataMember(Name = "tags")] IReadOnlyList<string> Tags,
    [property: DataMember(Name = "hobbies")] IReadOnlyList<string> Hobbies);

/// <summary>GET /api/me: the member's own profile, phone number included (only ever shown to the member).</summary>
[DataContract]
public sealed record MemberProfile(
    [property: DataMember(Name = "memberId")] long MemberId,
    [property: DataMember(Name = "phone")] string Phone,
    [property: DataMember(Name = "nickname")] string Nickname,
    [property: DataMember(Name = "gender")] string Gender,
    [property: DataMember(Name = "school")] SchoolRef School,
    [property: DataMember(Name = "college")] string College,
    [property: DataMember(Name = "department")] string Department,
    [property: DataMember(Name = "mbti")] string Mbti,
    [property: DataMember(Name = "character")] string Character,
    [property: DataMember(Name = "tags")] IReadOnlyList<string> Tags,
    [property: DataMember(Name = "hobbies")] IReadOnlyList<string> Hobbies,
    [property: DataMember(Name = "studentVerified")] bool StudentVerified,
    [property: DataMember(Name = "roomCapacity")] int RoomCapacity,
    [property: DataMember(Name = "createdAt")] DateTime CreatedAt);

/// <summary>PATCH /api/me; null leaves a field unchanged.</summary>
[DataContract]
public sealed record ProfilePatch(
    [property: DataMember(Name = "department")] string? Department = null,
    [property: DataMember(Name = "mbti")] string? Mbti = null,
    [property: DataMember(Name = "character")] string? Character = null,
    [property: DataMember(Name = "tags")] IReadOnlyList<string?>? Tags = null,
    [property: DataMember(Name = "hobbies")] IReadOnlyList<string?>? Hobbies = null);
