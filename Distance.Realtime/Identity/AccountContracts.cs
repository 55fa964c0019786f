namespace Distance.Realtime.Identity;

// Request bodies take nullable members: a missing field becomes a validation error naming it,
// not a deserialisation failure without detail.

public sealed record SmsCodeRequest(string? Phone, string? Purpose);

public sealed record CodeSent(int ExpiresInSeconds);

public sealed record SmsConfirmRequest(string? Phone, string? Code);

public sealed record VerificationTokenIssued(string VerificationToken, int ExpiresInSeconds);

public sealed record LoginRequest(string? Phone, string? Password, string? PushToken);

public sealed record RefreshTokenRequest(string? RefreshToken);

public sealed record PasswordResetRequest(string? VerificationToken, string? NewPassword);
