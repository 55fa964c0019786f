using Distance.Realtime.Identity;

namespace Distance.Realtime.Members;

// Like every request body, nullable members: a missing field becomes a validation error naming it.

public sealed record SignUpRequest(
    string? VerificationToken, string? Password, string? Gender, string? SchoolCode, string? College, string? Department,
    string? Mbti, string? Character, IReadOnlyList<string?>? Tags, IReadOnlyList<string?>? Hobbies, string? ReferrerPhone);

public sealed record SignedUp(MemberProfile Member, TokenPair Tokens);
