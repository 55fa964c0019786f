using Distance.Load.Chat;
using Distance.Load.Common;
using Distance.Load.Connections;
using Distance.Load.Festival;
using Distance.Load.Floor;
using Distance.Load.Matching;
using Distance.Load.Push;
using Distance.Load.Seed;
using Distance.Load.Soak;

// A small dispatcher: one command per scenario, each in its own folder.
var commands = new Dictionary<string, (string Help, Func<Arguments, Task<int>> Run)>
{
    ["seed"] = (SeedCommand.Help, SeedCommand.RunAsync),
    ["matching"] = (MatchingCommand.Help, MatchingCommand.RunAsync),
    ["chat"] = (ChatCommand.Help, ChatCommand.RunAsync),
    ["soak"] = (SoakCommand.Help, SoakCommand.RunAsync),
    ["connections"] = (ConnectionsCommand.Help, ConnectionsCommand.RunAsync),
    ["festival"] = (FestivalCommand.Help, FestivalCommand.RunAsync),
    ["statements"] = (StatementCostCommand.Help, StatementCostCommand.RunAsync),
    ["push"] = (PushCommand.Help, PushCommand.RunAsync),
    ["floor"] = (FloorCommand.Help, FloorCommand.RunAsync),
};

if (args.Length == 0 || !commands.TryGetValue(args[0], out var command))
{
    Console.Error.WriteLine("usage: Distance.Load <command> [--option value ...]\n");
    foreach (var (name, (help, _)) in commands)
        Console.Error.WriteLine($"{name}\n{help}\n");
    return 2;
}

try
{
    return await command.Run(Arguments.Parse(args.Skip(1)));
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}
