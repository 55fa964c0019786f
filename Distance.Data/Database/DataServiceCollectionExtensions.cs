using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace Distance.Data.Database;

public static class DataServiceCollectionExtensions
{
    /// <summary>Registers the pooled data source, the migration runner, the read routing and every repository.</summary>
    public static IServiceCollection AddDistanceData(this IServiceCollection services)
    {
        services.AddDistanceDataSource();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ReadRouting>();
        services.AddHostedService<ReplicaMonitor>();
        return services.AddRepositories();
    }

    /// <summary>
    /// The options, the pooled data source and the migration runner without the repositories: for a
    /// process (the push worker) that uses one or two repositories and would not satisfy the rest's
    /// dependencies (the host validates every registration in Development).
    /// </summary>
    public static IServiceCollection AddDistanceDataSource(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => IsParsable(o.ConnectionString), "Database:ConnectionString is not a valid MySQL connection string.")
            .Validate(o => string.IsNullOrWhiteSpace(o.ReadConnectionString) || IsParsable(o.ReadConnectionString),
                "Database:ReadConnectionString is not a valid MySQL connection string.")
            .Validate(o => o.ReplicaCheckInterval > TimeSpan.Zero && o.ReplicaCheckInterval < o.ReplicaMaxLag,
                "Database:ReplicaCheckInterval must be positive and shorter than Database:ReplicaMaxLag.")
            .ValidateOnStart();

        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var builder = new MySqlDataSourceBuilder(options.ConnectionString);
            // No reset when a pooled connection is reused: the reset and the SET NAMES that follows
            // it were two of the three round trips of a location update. Nothing here leaves session
            // state behind: every transaction names its isolation level, SET STATEMENT is scoped
            // to its statement, and the migrations' lock lives on a connection of their own.
            builder.ConnectionStringBuilder.ConnectionReset = false;
            return builder.Build();
        });
        services.AddSingleton<MigrationRunner>();
        return services;
    }

    private static IServiceCollection AddRepositories(this IServiceCollection services)
    {
        // Every sealed *Repository class of this assembly: repositories are stateless singletons
        // over the pooled data source, so registering them by convention cannot go wrong.
        foreach (var type in typeof(DataServiceCollectionExtensions).Assembly.GetTypes()
                     .Where(t => t is { IsClass: true, IsAbstract: false } && t.Name.EndsWith("Repository", StringComparison.Ordinal)))
            services.AddSingleton(type);
        return services;
    }

    private static bool IsParsable(string connectionString)
    {
        try
        {
            _ = new MySqlConnectionStringBuilder(connectionString);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
