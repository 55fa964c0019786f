using Microsoft.AspNetCore.Http.HttpResults;

namespace Distance.Realtime.Errors;

/// <summary>Builds the contract's ProblemDetails: a status, a human title and a stable <c>code</c>.</summary>
public static class Problems
{
    public static ProblemHttpResult Create(int status, string code, string title) =>
        TypedResults.Problem(statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["code"] = code });

    public static ValidationProblem Validation(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The request is invalid.",
            extensions: new Dictionary<string, object?> { ["code"] = ErrorCodes.ValidationFailed });

    public static ValidationProblem Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult NotFound(string title = "Not found.") =>
        Create(StatusCodes.Status404NotFound, ErrorCodes.NotFound, title);
}
