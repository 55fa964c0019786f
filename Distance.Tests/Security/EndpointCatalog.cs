using System.Reflection;
using System.Security.Claims;
using System.Text.Json;
using Distance.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Distance.Tests.Security;

/// <summary>One HTTP route of the node as its endpoint metadata describes it.</summary>
public sealed record RouteInfo(
    string Method, RoutePattern Pattern, bool Anonymous, Type? BodyType, IReadOnlyList<ParameterInfo> Query)
{
    public string Template => Pattern.RawText ?? "";

    public IReadOnlyList<string> RouteParameters => Pattern.Parameters.Select(p => p.Name).ToList();

    /// <summary>The path with each route parameter replaced by the value <paramref name="valueOf"/> gives (already escaped).</summary>
    public string Path(Func<string, string> valueOf)
    {
        var path = "/" + string.Join('/', Pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => valueOf(parameter.Name),
            RoutePatternSeparatorPart separator => separator.Content,
            _ => "",
        }))));
        return path;
    }

    /// <summary>The JSON member names of the request body (camelCase, as the API reads them).</summary>
    public IReadOnlyList<(string Name, Type Type)> BodyFields =>
        BodyType?.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (JsonNamingPolicy.CamelCase.ConvertName(p.Name), p.PropertyType)).ToList() ?? [];

    public override string ToString() => $"{Method} {Template}";
}

/// <summary>
/// Every HTTP route the node maps, read from its endpoint data source, so the hostile-input and
/// authorization tests cover a route the day it is added. Hub endpoints are tested over the hub.
/// </summary>
public static class EndpointCatalog
{
    private static readonly HashSet<Type> SimpleTypes =
        [typeof(string), typeof(long), typeof(int), typeof(bool), typeof(double), typeof(decimal), typeof(DateTime), typeof(Guid)];

    public static IReadOnlyList<RouteInfo> Routes(DistanceNode node) =>
        node.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => !(e.RoutePattern.RawText ?? "").StartsWith("/hubs", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => Describe(method, e)))
            .OrderBy(r => r.Template, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal)
            .ToList();

    private static RouteInfo Describe(string method, RouteEndpoint endpoint)
    {
        var handler = endpoint.Metadata.GetMetadata<MethodInfo>();
        var routeNames = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        // A framework handler (the OpenAPI document) binds its own route values; only our handlers'
        // parameters are inputs a client sends.
        var ours = handler?.DeclaringType?.Assembly == typeof(Program).Assembly;
        IReadOnlyList<ParameterInfo> query = !ours ? [] : handler!.GetParameters()
            .Where(p => IsSimple(p.ParameterType) && !routeNames.Contains(p.Name!)
                        && p.ParameterType != typeof(CancellationToken) && p.ParameterType != typeof(ClaimsPrincipal))
            .ToList();
        var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null || endpoint.Metadata.GetMetadata<IAuthorizeData>() is null;
        return new RouteInfo(method, endpoint.RoutePattern, anonymous, endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType, query);
    }

    private static bool IsSimple(Type type) => SimpleTypes.Contains(Nullable.GetUnderlyingType(type) ?? type);
}
