using Actors.Peers.Auth;
using Actors.Peers.BenchSupport;
using Actors.Peers.Checkouts;
using Actors.Peers.Payments;
using Actors.Peers.Profiles;
using Actors.Peers.Storage;

// Plain-SQL peers of the platform for bench/run.sh --scenario peers, one per path prefix, on the platform's
// PostgreSQL server (ConnectionStrings:Peers) and with its JWT validation (Auth:SigningKey).
var builder = WebApplication.CreateBuilder(args);

var connectionString = builder.Configuration.GetConnectionString("Peers")
    ?? throw new InvalidOperationException("Set ConnectionStrings:Peers to the PostgreSQL server the platform uses.");
await using var database = await PeerDatabase.Open(connectionString, builder.Configuration["Peers:Database"] ?? "actors_peers", CancellationToken.None);
builder.Services.AddSingleton(database);
builder.Services.AddPeerAuth(builder.Configuration);
builder.Services.AddProblemDetails();
// As on the platform: a member the request type lacks is an error, not ignored.
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.UnmappedMemberHandling =
    System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow);

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapGet("/health/ready", () => TypedResults.Ok("ready")).AllowAnonymous();
app.MapConditionalUpdatePayments("/a");
app.MapRowLockPayments("/b");
app.MapCheckoutApi("/f");
app.MapProfileApi("/r");
app.MapBenchSupportApi();

app.Run();
