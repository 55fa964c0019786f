using Distance.Contracts;

namespace Distance.Client;

public sealed partial class DistanceApiClient
{
    /// <summary>POST /api/reports → 201; a report also blocks. With a room, its last 50 messages are kept as evidence.</summary>
    public Task<ReportFiled> ReportAsync(ReportRequest report, CancellationToken cancellationToken = default) =>
        ReadAsync<ReportRequest, ReportFiled>(HttpMethod.Post, "/api/reports", report, cancellationToken);

    /// <summary>POST /api/blocks → 204 (blocking again is 204 too).</summary>
    public Task BlockAsync(long memberId, CancellationToken cancellationToken = default) =>
        SendEmptyAsync(HttpMethod.Post, "/api/blocks", new BlockRequest(memberId), cancellationToken);

    /// <summary>DELETE /api/blocks/{memberId} → 204; unblocking restores nothing.</summary>
    public Task UnblockAsync(long memberId, CancellationToken cancellationToken = default) =>
        SendEmptyAsync<object?>(HttpMethod.Delete, "/api/blocks/" + Id(memberId), null, cancellationToken);

    public Task<IReadOnlyList<BlockedMember>> GetBlocksAsync(CancellationToken cancellationToken = default) =>
        GetAsync<IReadOnlyList<BlockedMember>>("/api/blocks", cancellationToken);

    /// <summary>GET /api/admin/reports (operators only; 403 forbidden otherwise); <paramref name="status"/> is "open" or "resolved".</summary>
    public Task<AdminReportsPage> GetReportsForReviewAsync(string status = "open", int page = 1, CancellationToken cancellationToken = default) =>
        GetAsync<AdminReportsPage>($"/api/admin/reports?status={Uri.EscapeDataString(status)}&page={Id(page)}", cancellationToken);

    /// <summary>POST /api/admin/members/{id}/reinstate → 204: suspension lifted, reports resolved.</summary>
    public Task ReinstateAsync(long memberId, CancellationToken cancellationToken = default) =>
        SendEmptyAsync(HttpMethod.Post, $"/api/admin/members/{Id(memberId)}/reinstate", new { }, cancellationToken);

    /// <summary>POST /api/admin/members/{id}/ban → 204: suspended for good, the phone refused from now on.</summary>
    public Task BanAsync(long memberId, string reason, CancellationToken cancellationToken = default) =>
        SendEmptyAsync(HttpMethod.Post, $"/api/admin/members/{Id(memberId)}/ban", new BanRequest(reason), cancellationToken);
}
