namespace Distance.StandIns;

/// <summary>
/// <c>dotnet run --project tools/Distance.StandIns -- --urls http://127.0.0.1:5990</c>; the
/// credentials it accepts come from <c>StandIns__…</c> settings (README.md).
/// </summary>
public static class StandInProgram
{
    public static async Task Main(string[] args) => await StandInHost.Build(args).RunAsync();
}
