using Actors.Bench;

// Load generators against a running API with development tokens on (./start.sh).
//   dotnet run -c Release --project bench/Actors.Bench -- --url http://127.0.0.1:5080 [--scenario confirm] ...
//   confirm (default): checkout and confirm throughput and latency; see ConfirmBenchmark.
var scenario = CommandLine.Value(args, "--scenario", "confirm");
switch (scenario)
{
    case "confirm":
        await ConfirmBenchmark.Run(args);
        return 0;
    default:
        Console.Error.WriteLine($"Unknown scenario '{scenario}': use confirm.");
        return 2;
}
