using Distance.Contracts;

namespace Distance.Client;

public sealed partial class DistanceApiClient
{
    public Task<MemberProfile> GetMeAsync(CancellationToken cancellationToken = default) =>
        GetAsync<MemberProfile>("/api/me", cancellationToken);

    public Task<MemberProfile> UpdateMeAsync(ProfilePatch patch, CancellationToken cancellationToken = default) =>
        ReadAsync<ProfilePatch, MemberProfile>(HttpMethod.Patch, "/api/me", patch, cancellationToken);

    /// <summary>DELETE /api/me → 204: tokens revoked, connections closed, rooms closed for the opponents.</summary>
    public Task DeleteMeAsync(CancellationToken cancellationToken = default) =>
        SendEmptyAsync<object?>(HttpMethod.Delete, "/api/me", null, cancellationToken);

    public Task<PublicProfile> GetMemberAsync(long memberId, CancellationToken cancellationToken = default) =>
        GetAsync<PublicProfile>("/api/members/" + Id(memberId), cancellationToken);

    /// <summary>GET /api/schools?query= (anonymous): schools whose name starts with the query.</summary>
    public Task<IReadOnlyList<SchoolRef>> SearchSchoolsAsync(string query, CancellationToken cancellationToken = default) =>
        GetAsync<IReadOnlyList<SchoolRef>>("/api/schools?query=" + Uri.EscapeDataString(query), cancellationToken);

    /// <summary>PUT /api/me/location → 204.</summary>
    public Task UpdateLocationAsync(double latitude, double longitude, CancellationToken cancellationToken = default) =>
        SendEmptyAsync(HttpMethod.Put, "/api/me/location", new LocationRequest(latitude, longitude), cancellationToken);

    /// <summary>GET /api/matches: up to <paramref name="count"/> people within <paramref name="radiusMeters"/>.</summary>
    public async Task<IReadOnlyList<Match>> GetMatchesAsync(
        int radiusMeters = 1000, bool otherSchools = false, int count = 4, CancellationToken cancellationToken = default) =>
        (await GetAsync<MatchesResponse>(
            $"/api/matches?radiusMeters={Id(radiusMeters)}&otherSchools={(otherSchools ? "true" : "false")}&count={Id(count)}",
            cancellationToken)).Matches;

    /// <summary>PUT /api/me/push → 204: an FCM token or a Web Push subscription.</summary>
    public Task RegisterPushAsync(PushRegistration registration, CancellationToken cancellationToken = default) =>
        SendEmptyAsync(HttpMethod.Put, "/api/me/push", registration, cancellationToken);

    /// <summary>DELETE /api/me/push → 204.</summary>
    public Task UnregisterPushAsync(CancellationToken cancellationToken = default) =>
        SendEmptyAsync<object?>(HttpMethod.Delete, "/api/me/push", null, cancellationToken);

    /// <summary>GET /api/push/webpush-key (404 when Web Push is off).</summary>
    public Task<WebPushKey> GetWebPushKeyAsync(CancellationToken cancellationToken = default) =>
        GetAsync<WebPushKey>("/api/push/webpush-key", cancellationToken);
}
