using Scalar.AspNetCore;

namespace Distance.Realtime.ApiReference;

/// <summary>
/// The API reference: an OpenAPI 3.1 document of every HTTP route at <c>/openapi/v1.json</c>
/// (served in every environment: it describes the public contract, nothing internal), and in
/// Development a browsable page at <c>/scalar/v1</c>. The hub is described in docs/api.md.
/// </summary>
internal static class ApiReferenceSetup
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddApiReference(this IServiceCollection services)
    {
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Distance API";
                document.Info.Version = "contract v2";
                document.Info.Description =
                    "The HTTP half of the Distance client contract. Errors are RFC 9457 ProblemDetails with a stable `code`; " +
                    "each response lists its codes (also as `x-error-codes`). Authenticated routes take `Authorization: Bearer <accessToken>`. " +
                    "The realtime hub `/hubs/chat` is described in docs/api.md.";
                return Task.CompletedTask;
            });
            options.AddOperationTransformer<ErrorCodesTransformer>();
        });
        return services;
    }

    public static WebApplication MapApiReference(this WebApplication app)
    {
        // A literal path: any other name is simply no route (404 ProblemDetails), not the generator's bare 404.
        app.MapOpenApi("/openapi/" + DocumentName + ".json");
        if (app.Environment.IsDevelopment())
            app.MapScalarApiReference();
        return app;
    }
}
