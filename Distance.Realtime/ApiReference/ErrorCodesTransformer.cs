using System.Text.Json.Nodes;
using Distance.Realtime.Errors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Distance.Realtime.ApiReference;

/// <summary>
/// Lists, on every operation, the ProblemDetails answers it can give and their contract
/// <c>code</c>s: the route's own (<see cref="RouteErrorCodes"/>) and the generic ones that follow
/// from how the route is mapped — 400 <c>validation_failed</c> for a route with a body or query,
/// 401 <c>token_invalid</c>/<c>token_expired</c> where a token is required, 429 <c>rate_limited</c>
/// and 503 <c>unavailable</c> everywhere (limits and dependencies apply to all). Each response
/// carries the codes as the extension <c>x-error-codes</c> and in its description.
/// </summary>
internal sealed class ErrorCodesTransformer : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var codes = new List<(int Status, string Code)>();
        if (description.ParameterDescriptions.Count > 0)
            codes.Add((400, ErrorCodes.ValidationFailed));
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        if (!anonymous && metadata.OfType<IAuthorizeData>().Any())
            codes.AddRange([(401, ErrorCodes.TokenInvalid), (401, ErrorCodes.TokenExpired)]);
        codes.Add((429, ErrorCodes.RateLimited));
        codes.Add((503, ErrorCodes.Unavailable));
        if (RouteErrorCodes.ByRoute.TryGetValue(Key(description.HttpMethod, description.RelativePath), out var own))
            codes.AddRange(own);

        var schema = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken);
        operation.Responses ??= [];
        foreach (var group in codes.Distinct().GroupBy(c => c.Status).OrderBy(g => g.Key))
        {
            var names = group.Select(c => c.Code).ToArray();
            var response = operation.Responses.TryGetValue(group.Key.ToString(), out var existing) && existing is OpenApiResponse known
                ? known
                : new OpenApiResponse();
            response.Description = $"ProblemDetails with `code`: {string.Join(", ", names.Select(n => "`" + n + "`"))}.";
            response.Content ??= new Dictionary<string, OpenApiMediaType>();
            response.Content["application/problem+json"] = new OpenApiMediaType { Schema = schema };
            response.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            response.Extensions["x-error-codes"] = new JsonNodeExtension(new JsonArray(names.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray()));
            operation.Responses[group.Key.ToString()] = response;
        }
    }

    /// <summary>"POST /api/rooms/{roomId}" from the explorer's method and relative path (constraints already stripped).</summary>
    internal static string Key(string? method, string? relativePath) => $"{method} /{relativePath?.TrimEnd('/')}";
}
