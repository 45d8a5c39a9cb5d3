using Actors.Bench;

// Load generators against a running API with development tokens on (./start.sh).
//   dotnet run -c Release --project bench/Actors.Bench -- --url http://127.0.0.1:5080 [--scenario confirm|live|peers|scale] ...
//   confirm (default): checkout and confirm throughput and latency; see ConfirmBenchmark.
//   live: SignalR CartChanged delivery to many connections while carts change; see LiveBenchmark.
//   peers: the platform against plain-SQL peers (bench/Actors.Peers) on the same PostgreSQL; see PeersBenchmark.
//   scale: a silo added and one removed under load, every answer counted; see ScaleBenchmark.
var scenario = CommandLine.Value(args, "--scenario", "confirm");
switch (scenario)
{
    case "confirm":
        await ConfirmBenchmark.Run(args);
        return 0;
    case "live":
        return await LiveBenchmark.Run(args);
    case "peers":
        return await PeersBenchmark.Run(args);
    case "scale":
        return await ScaleBenchmark.Run(args);
    default:
        Console.Error.WriteLine($"Unknown scenario '{scenario}': use confirm, live, peers or scale.");
        return 2;
}
