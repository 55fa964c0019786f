namespace Distance.Realtime.StudentVerification;

internal static class StudentVerificationSetup
{
    public static IServiceCollection AddStudentVerification(this IServiceCollection services)
    {
        services.AddOptions<StudentVerificationOptions>().BindConfiguration(StudentVerificationOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SchoolEmailVerification>();
        return services;
    }

    public static WebApplication MapStudentVerification(this WebApplication app)
    {
        app.MapSchoolEmailEndpoints();
        return app;
    }
}
