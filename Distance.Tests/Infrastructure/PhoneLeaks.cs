using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace Distance.Tests.Infrastructure;

/// <summary>
/// Watches every response body and every hub message of a fixture's in-process nodes for the
/// phone numbers the fixture handed out (<see cref="DistanceFixture.NextPhone"/>). The contract
/// shows a phone only to its owner (GET/PATCH /api/me, the sign-up answer) and, after both
/// consented, to the room's opponent (GET /api/rooms/{id}/phone). Anywhere else is a leak: the
/// HTTP response is replaced by a 500 naming it, so the test that caused it fails on the spot, and
/// every leak is kept in <see cref="Violations"/> (the fixture also fails its clean-up over them).
/// </summary>
public sealed partial class PhoneLeaks
{
    private readonly ConcurrentDictionary<string, byte> phones = new();

    public ConcurrentQueue<string> Violations { get; } = new();

    /// <summary>Responses where a phone appeared and was allowed to (route → count), so a test can show the scanner sees them.</summary>
    public ConcurrentDictionary<string, int> AllowedSightings { get; } = new();

    public void Register(string phone) => phones[phone] = 0;

    [GeneratedRegex(@"(?<![0-9])010-?[0-9]{4}-?[0-9]{4}(?![0-9])")]
    private static partial Regex PhoneLike();

    /// <summary>The registered phones in <paramref name="text"/> (either format).</summary>
    public IReadOnlyList<string> Find(string text) =>
        PhoneLike().Matches(text).Select(m => m.Value.Replace("-", "", StringComparison.Ordinal)).Where(phones.ContainsKey).Distinct().ToList();

    /// <summary>The test-only services: a response-scanning middleware and a scanning wrapper around each hub protocol.</summary>
    public void AddTo(IServiceCollection services)
    {
        services.AddSingleton<IStartupFilter>(new ScanResponses(this));
        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType != typeof(IHubProtocol))
                continue;
            services[i] = ServiceDescriptor.Singleton<IHubProtocol>(sp => new ScanningProtocol(Resolve(descriptor, sp), this));
        }
    }

    private static IHubProtocol Resolve(ServiceDescriptor descriptor, IServiceProvider services) =>
        descriptor.ImplementationInstance as IHubProtocol
        ?? (IHubProtocol?)descriptor.ImplementationFactory?.Invoke(services)
        ?? (IHubProtocol)ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);

    private static bool MayShowPhone(HttpRequest request, int status)
    {
        var path = request.Path.Value ?? "";
        return path.StartsWith("/dev/", StringComparison.Ordinal) // Development tooling (absent elsewhere): the outbox lists codes by phone
               || (path == "/api/me" && request.Method is "GET" or "PATCH")
               || (path == "/api/members" && request.Method == "POST" && status == StatusCodes.Status201Created)
               || (request.Method == "GET" && path.StartsWith("/api/rooms/", StringComparison.Ordinal) && path.EndsWith("/phone", StringComparison.Ordinal) && status == 200);
    }

    private sealed class ScanResponses(PhoneLeaks leaks) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                // Hub transports stream (WebSockets, SSE, long polls); their messages are scanned by the protocol wrapper.
                if (context.Request.Path.StartsWithSegments("/hubs"))
                {
                    await nextMiddleware(context);
                    return;
                }
                var original = context.Response.Body;
                using var buffer = new MemoryStream();
                context.Response.Body = buffer;
                try
                {
                    await nextMiddleware(context);
                }
                finally
                {
                    context.Response.Body = original;
                }
                var found = leaks.Find(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
                var route = $"{context.Request.Method} {context.Request.Path}";
                if (found.Count > 0 && MayShowPhone(context.Request, context.Response.StatusCode))
                    leaks.AllowedSightings.AddOrUpdate(route, 1, (_, n) => n + 1);
                else if (found.Count > 0)
                {
                    var violation = $"{route} → {context.Response.StatusCode} showed {string.Join(", ", found)}";
                    leaks.Violations.Enqueue(violation);
                    context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                    context.Response.ContentLength = null;
                    await original.WriteAsync(Encoding.UTF8.GetBytes("PHONE NUMBER LEAK (test scanner): " + violation));
                    return;
                }
                buffer.Position = 0;
                await buffer.CopyToAsync(original);
            });
            next(app);
        };
    }

    /// <summary>Hub messages never carry a phone number, to anyone.</summary>
    private sealed class ScanningProtocol(IHubProtocol inner, PhoneLeaks leaks) : IHubProtocol
    {
        public string Name => inner.Name;
        public int Version => inner.Version;
        public TransferFormat TransferFormat => inner.TransferFormat;
        public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);

        public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message) =>
            inner.TryParseMessage(ref input, binder, out message);

        public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => output.Write(GetMessageBytes(message).Span);

        public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message)
        {
            var bytes = inner.GetMessageBytes(message);
            // Latin-1 keeps every byte, so ASCII digits show in MessagePack as in JSON.
            var found = leaks.Find(Encoding.Latin1.GetString(bytes.Span));
            if (found.Count > 0)
                leaks.Violations.Enqueue($"hub {inner.Name} {(message as InvocationMessage)?.Target ?? message.GetType().Name} showed {string.Join(", ", found)}");
            return bytes;
        }
    }
}
