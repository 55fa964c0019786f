using Distance.Data.Database;
using Distance.Realtime.Identity;
using Distance.Realtime.Notifications;
using Distance.Realtime.Redis;
using MySqlConnector;
using StackExchange.Redis;

namespace Distance.Realtime.Hosting;

/// <summary>
/// Secrets that would boot but protect nothing stop the boot: a JWT key that is not random (a
/// placeholder such as 32 equal bytes passes the length rule), and, outside Development, a
/// well-known default password for MariaDB, Redis, SMTP or the SMS provider, or an SMTP user
/// without a password. Each failure names the key, like every other options failure.
/// </summary>
internal static class SecretChecks
{
    /// <summary>Placeholder and vendor-default secrets people leave in place.</summary>
    private static readonly HashSet<string> KnownDefaults = new(StringComparer.OrdinalIgnoreCase)
    {
        "password", "passw0rd", "password1", "changeme", "change-me", "change_me", "changeit", "secret", "root", "admin",
        "administrator", "distance", "mariadb", "mysql", "redis", "example", "test", "default", "letmein", "qwerty",
        "123456", "12345678", "1234567890",
    };

    public static IServiceCollection AddSecretChecks(this IServiceCollection services, IHostEnvironment environment)
    {
        // Shorter keys are refused by the length rule already (one message per problem).
        services.AddOptions<JwtOptions>().Validate(o => IsRandomLooking(o.SigningKeyBytes()),
            "Jwt:SigningKey is not random (too few distinct bytes); generate one with `openssl rand -base64 32`.");
        if (environment.IsDevelopment())
            return services;

        services.AddOptions<DatabaseOptions>().Validate(o => !IsKnownDefault(DatabasePassword(o.ConnectionString)),
            "Database:ConnectionString uses a well-known default password.");
        services.AddOptions<RedisOptions>().Validate(o => !IsKnownDefault(RedisPassword(o.ConnectionString)),
            "Redis:ConnectionString uses a well-known default password.");
        services.AddOptions<SmtpOptions>()
            .Validate(o => o.UserName.Length == 0 || o.Password.Length > 0, "Messaging:Smtp:Password is required when Messaging:Smtp:UserName is set.")
            .Validate(o => !IsKnownDefault(o.Password), "Messaging:Smtp:Password is a well-known default.");
        services.AddOptions<SmsSenderOptions>().Validate(o => !IsKnownDefault(o.ApiKey), "Messaging:Sms:ApiKey is a well-known default.");
        return services;
    }

    /// <summary>32 random bytes have ~30 distinct values; fewer than 16 means a pattern. Shorter keys are the length rule's to refuse.</summary>
    private static bool IsRandomLooking(byte[] key) => key.Length < 32 || key.Distinct().Count() >= 16;

    private static bool IsKnownDefault(string? secret) => !string.IsNullOrWhiteSpace(secret) && KnownDefaults.Contains(secret.Trim());

    // An unparsable string is reported by its own options' rule; here it has no password.
    private static string? DatabasePassword(string connectionString)
    {
        try
        {
            return new MySqlConnectionStringBuilder(connectionString).Password;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string? RedisPassword(string connectionString)
    {
        try
        {
            return ConfigurationOptions.Parse(connectionString).Password;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
