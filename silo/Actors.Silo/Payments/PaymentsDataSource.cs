using Actors.Grains.Hosting;
using Npgsql;

namespace Actors.Silo.Payments;

/// <summary>The connection pool the gateway and the ledger share; its own type so it never collides with another registration.</summary>
public sealed class PaymentsDataSource(string connectionString) : IAsyncDisposable
{
    public NpgsqlDataSource Source { get; } = NpgsqlDataSource.Create(PostgresConnection.Tune(connectionString));

    public ValueTask DisposeAsync() => Source.DisposeAsync();
}

public static class PaymentsHosting
{
    /// <summary>The sandbox gateway and the PostgreSQL ledger, as the customer grains use them.</summary>
    public static IServiceCollection AddPaymentsStore(this IServiceCollection services, string connectionString)
    {
        services.AddSingleton(new PaymentsDataSource(connectionString));
        services.AddSingleton<Actors.Grains.Payments.IPaymentGateway, SandboxGateway>();
        services.AddSingleton<Actors.Grains.Payments.ILedger, PostgresLedger>();
        return services;
    }
}
