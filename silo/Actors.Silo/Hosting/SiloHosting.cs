using System.Net;
using Actors.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace Actors.Silo.Hosting;

/// <summary>Where a silo listens: <c>Orleans:SiloPort</c>, <c>Orleans:GatewayPort</c>, <c>Orleans:AdvertisedIP</c>.</summary>
public sealed class SiloEndpointSettings
{
    public int SiloPort { get; init; } = EndpointOptions.DEFAULT_SILO_PORT;
    public int GatewayPort { get; init; } = EndpointOptions.DEFAULT_GATEWAY_PORT;

    /// <summary>The address other silos and clients reach this one at; unset picks the host's first address.</summary>
    public string? AdvertisedIP { get; init; }
}

public static class SiloHosting
{
    /// <summary>A silo of the cluster: ADO.NET membership, storage and reminders on PostgreSQL.</summary>
    public static ISiloBuilder UseActorsCluster(this ISiloBuilder silo, IConfiguration configuration)
    {
        var connectionString = configuration.PostgresConnectionString();
        var endpoints = configuration.GetSection(HostConfiguration.OrleansSection).Get<SiloEndpointSettings>() ?? new();

        silo.Configure<ClusterOptions>(configuration.GetSection(HostConfiguration.OrleansSection));
        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = PostgresConnection.Invariant;
            options.ConnectionString = connectionString;
        });
        if (endpoints.AdvertisedIP is { } advertised)
        {
            silo.ConfigureEndpoints(IPAddress.Parse(advertised), endpoints.SiloPort, endpoints.GatewayPort, listenOnAnyHostAddress: true);
        }
        else
        {
            silo.ConfigureEndpoints(endpoints.SiloPort, endpoints.GatewayPort, listenOnAnyHostAddress: true);
        }
        return silo.AddActorsPersistence(connectionString);
    }

    /// <summary>Grain storage and reminders on PostgreSQL: everything a silo needs apart from membership.</summary>
    public static ISiloBuilder AddActorsPersistence(this ISiloBuilder silo, string connectionString)
    {
        // Orleans' own serializer rather than JSON: it honours [Id] and [Alias], so state survives renames.
        silo.AddAdoNetGrainStorage(StorageNames.Customers, options => options.Configure<Serializer>((storage, serializer) =>
        {
            storage.Invariant = PostgresConnection.Invariant;
            storage.ConnectionString = connectionString;
            storage.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
        silo.UseAdoNetReminderService(options =>
        {
            options.Invariant = PostgresConnection.Invariant;
            options.ConnectionString = connectionString;
        });
        silo.Services.TryAddSingleton(TimeProvider.System);
        return silo;
    }
}
