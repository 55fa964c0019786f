using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;

namespace Distance.Realtime.Observability;

/// <summary>
/// Traces: ASP.NET Core requests, outgoing HttpClient calls (SMS providers, push), SignalR hub
/// invocations (ASP.NET Core's own <c>Microsoft.AspNetCore.SignalR.Server</c> source) and MariaDB
/// commands (MySqlConnector's own <c>MySqlConnector</c> source). Exported over OTLP only when an
/// endpoint is configured (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, or <c>Observability:OtlpEndpoint</c>).
/// Without one, activities are still created but not recorded, so every log line and
/// ProblemDetails carries a trace id that a proxy's or client's <c>traceparent</c> can be matched to,
/// at the cost of an id per request and none of the tagging.
/// </summary>
internal static class TracingSetup
{
    public const string EndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ProtocolSetting = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string EndpointFallbackSetting = "Observability:OtlpEndpoint";

    public static OpenTelemetryBuilder WithDistanceTracing(this OpenTelemetryBuilder telemetry)
    {
        telemetry.WithTracing(tracing => tracing
            .AddAspNetCoreInstrumentation(options =>
                // Scrapes and probes every few seconds would drown the traces that matter.
                options.Filter = context => !context.Request.Path.StartsWithSegments("/metrics") && !context.Request.Path.StartsWithSegments("/health"))
            .AddHttpClientInstrumentation()
            .AddSource("Microsoft.AspNetCore.SignalR.Server", "MySqlConnector"));
        telemetry.Services.ConfigureOpenTelemetryTracerProvider((services, builder) =>
        {
            var configuration = services.GetRequiredService<IConfiguration>();
            var endpoint = configuration[EndpointSetting] is { Length: > 0 } fromEnvironment ? fromEnvironment : configuration[EndpointFallbackSetting];
            if (string.IsNullOrWhiteSpace(endpoint))
            {
                // "Drop" still creates each activity for propagation (a trace id) without recording or tagging it.
                builder.SetSampler(new AlwaysOffSampler());
                return;
            }
            var grpc = string.Equals(configuration[ProtocolSetting], "grpc", StringComparison.OrdinalIgnoreCase);
            var exporter = new OtlpTraceExporter(new OtlpExporterOptions
            {
                // OTLP/HTTP by default: it passes plain proxies and needs no HTTP/2 (spec default for new SDKs).
                Protocol = grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf,
                Endpoint = grpc ? new Uri(endpoint) : new Uri(endpoint.TrimEnd('/') + "/v1/traces"),
            });
            builder.SetSampler(new ParentBasedSampler(new AlwaysOnSampler()));
            builder.AddProcessor(new BatchActivityExportProcessor(exporter, scheduledDelayMilliseconds: 1000));
        });
        return telemetry;
    }
}
