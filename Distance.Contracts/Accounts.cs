using System.Runtime.Serialization;

namespace Distance.Contracts;

// Request bodies take nullable members: on the server a missing field becomes a validation error
// naming it, not a deserialisation failure without detail.

/// <summary>POST /api/verifications/sms; <see cref="Purpose"/> is "signup" or "password-reset".</summary>
[DataContract]
public sealed record SmsCodeRequest(
    [property: DataMember(Name = "phone")] string? Phone,
    [property: DataMember(Name = "purpose")] string? Purpose);

[DataContract]
public sealed record CodeSent([property: DataMember(Name = "expiresInSeconds")] int ExpiresInSeconds);

/// <summary>POST /api/verifications/sms/confirm.</summary>
[DataContract]
public sealed record SmsConfirmRequest(
    [property: DataMember(Name = "phone")] string? Phone,
    [property: DataMember(Name = "code")] string? Code);

[DataContract]
public sealed record VerificationTokenIssued(
    [property: DataMember(Name = "verificationToken")] string VerificationToken,
    [property: DataMember(Name = "expiresInSeconds")] int ExpiresInSeconds);

/// <summary>POST /api/members.</summary>
[DataContract]
public sealed record SignUpRequest(
    [property: DataMember(Name = "verificationToken")] string? VerificationToken,
    [property: DataMember(Name = "password")] string? Password,
    [property: DataMember(Name = "gender")] string? Gender,
    [property: DataMember(Name = "schoolCode")] string? SchoolCode,
    [property: DataMember(Name = "college")] string? College,
    [property: DataMember(Name = "department")] string? Department,
    [property: DataMember(Name = "mbti")] string? Mbti,
    [property: DataMember(Name = "character")] string? Character,
    [property: DataMember(Name = "tags")] IReadOnlyList<string?>? Tags,
    [property: DataMember(Name = "hobbies")] IReadOnlyList<string?>? Hobbies,
    [property: DataMember(Name = "referrerPhone")] string? ReferrerPhone = null);

/// <summary>Access tokens live 30 minutes, refresh tokens 14 days (configurable).</summary>
[DataContract]
public sealed record TokenPair(
    [property: DataMember(Name = "accessToken")] string AccessToken,
    [property: DataMember(Name = "accessTokenExpiresAt")] DateTime AccessTokenExpiresAt,
    [property: DataMember(Name = "refreshToken")] string RefreshToken,
    [property: DataMember(Name = "refreshTokenExpiresAt")] DateTime RefreshTokenExpiresAt);

[DataContract]
public sealed record SignedUp(
    [property: DataMember(Name = "member")] MemberProfile Member,
    [property: DataMember(Name = "tokens")] TokenPair Tokens);

/// <summary>POST /api/auth/login; a push token here means an FCM registration.</summary>
[DataContract]
public sealed record LoginRequest(
    [property: DataMember(Name = "phone")] string? Phone,
    [property: DataMember(Name = "password")] string? Password,
    [property: DataMember(Name = "pushToken")] string? PushToken = null);

/// <summary>POST /api/auth/refresh and /api/auth/logout.</summary>
[DataContract]
public sealed record RefreshTokenRequest([property: DataMember(Name = "refreshToken")] string? RefreshToken);

/// <summary>POST /api/auth/password-reset.</summary>
[DataContract]
public sealed record PasswordResetRequest(
    [property: DataMember(Name = "verificationToken")] string? VerificationToken,
    [property: DataMember(Name = "newPassword")] string? NewPassword);

/// <summary>POST /api/verifications/school-email.</summary>
[DataContract]
public sealed record SchoolEmailRequest([property: DataMember(Name = "email")] string? Email);

/// <summary>POST /api/verifications/school-email/confirm.</summary>
[DataContract]
public sealed record SchoolEmailConfirmRequest([property: DataMember(Name = "code")] string? Code);

/// <summary>An SMS or e-mail "sent" in Development, from GET /dev/outbox.</summary>
[DataContract]
public sealed record OutboxEntry(
    [property: DataMember(Name = "to")] string To,
    [property: DataMember(Name = "text")] string Text,
    [property: DataMember(Name = "sentAt")] DateTime SentAt);
