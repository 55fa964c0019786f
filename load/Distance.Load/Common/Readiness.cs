namespace Distance.Load.Common;

/// <summary>Whether a Distance process (a node, a push worker) reports ready.</summary>
public static class Readiness
{
    /// <summary>True once <c>/health/ready</c> answers 2xx; false while it answers otherwise or does not listen yet.</summary>
    public static async Task<bool> IsReadyAsync(HttpClient http, string baseUrl)
    {
        try
        {
            using var response = await http.GetAsync($"{baseUrl}/health/ready");
            return response.IsSuccessStatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
