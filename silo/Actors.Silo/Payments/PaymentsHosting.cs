using Actors.Grains.Hosting;
using Actors.Grains.Payments;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Actors.Silo.Payments;

/// <summary>
/// The PostgreSQL data source of the payment store (sandbox gateway and ledger). A type of its own, so it is never
/// mistaken for another <see cref="NpgsqlDataSource"/> someone registers in the same container.
/// </summary>
public sealed class PaymentsDatabase(NpgsqlDataSource dataSource) : IAsyncDisposable, IDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    /// <summary>A pooled data source for <paramref name="connectionString"/>, tuned as every host tunes it.</summary>
    public static PaymentsDatabase Create(string connectionString) =>
        new(NpgsqlDataSource.Create(PostgresConnection.Tune(connectionString)));

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    public void Dispose() => DataSource.Dispose();
}

public static class PaymentsHosting
{
    /// <summary>The sandbox payment gateway and the payment ledger, on one shared pool of connections.</summary>
    public static IServiceCollection AddPaymentsStore(this IServiceCollection services, string connectionString)
    {
        services.AddSingleton(_ => PaymentsDatabase.Create(connectionString));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IPaymentGateway, SandboxGateway>();
        services.AddSingleton<ILedger, PostgresLedger>();
        return services;
    }
}
