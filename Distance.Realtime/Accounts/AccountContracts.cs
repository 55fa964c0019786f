using Distance.Realtime.Members;

namespace Distance.Realtime.Accounts;

// Request bodies take nullable members: a missing field becomes a validation error naming it,
// not a deserialisation failure without detail.

public sealed record SmsCodeRequest(string? Phone, string? Purpose);

public sealed record CodeSent(int ExpiresInSeconds);

public sealed record SmsConfirmRequest(string? Phone, string? Code);

public sealed record VerificationTokenIssued(string VerificationToken, int ExpiresInSeconds);

public sealed record SignUpRequest(
    string? VerificationToken, string? Password, string? Gender, string? SchoolCode, string? College, string? Department,
    string? Mbti, string? Character, IReadOnlyList<string?>? Tags, IReadOnlyList<string?>? Hobbies, string? ReferrerPhone);

public sealed record SignedUp(MemberProfile Member, TokenPair Tokens);

public sealed record LoginRequest(string? Phone, string? Password, string? PushToken);

public sealed record RefreshTokenRequest(string? RefreshToken);

public sealed record PasswordResetRequest(string? VerificationToken, string? NewPassword);
