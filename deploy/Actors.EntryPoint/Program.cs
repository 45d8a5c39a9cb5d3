using Actors.EntryPoint;

// One local address in front of the API nodes: spreads requests, keeps a SignalR connection on one node.
EntryPointApp.Create(args).Run();
