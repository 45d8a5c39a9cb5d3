using System.Net;
using Actors.Grains.Catalog;
using Actors.Grains.Hosting;
using Actors.Grains.Journal;
using Actors.Grains.Money;
using Actors.Grains.Payments;
using Actors.Grains.Personalization;
using Actors.Grains.Privacy;
using Actors.Grains.Retention;
using Actors.Grains.StepUp;
using Actors.Silo.Catalog;
using Actors.Silo.Journal;
using Actors.Silo.Payments;
using Actors.Silo.Privacy;
using Actors.Silo.Webhooks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
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
    /// <summary>Orleans' membership options, e.g. <c>Orleans:Membership:ProbeTimeout</c>.</summary>
    public const string MembershipSection = HostConfiguration.OrleansSection + ":Membership";

    /// <summary>Orleans' silo messaging options, e.g. <c>Orleans:Messaging:ResponseTimeout</c>.</summary>
    public const string MessagingSection = HostConfiguration.OrleansSection + ":Messaging";

    /// <summary>A silo of the cluster: ADO.NET membership, storage and reminders on PostgreSQL.</summary>
    public static ISiloBuilder UseActorsCluster(this ISiloBuilder silo, IConfiguration configuration)
    {
        var connectionString = configuration.PostgresConnectionString();
        var endpoints = configuration.GetSection(HostConfiguration.OrleansSection).Get<SiloEndpointSettings>() ?? new();

        silo.Configure<ClusterOptions>(configuration.GetSection(HostConfiguration.OrleansSection));
        silo.Configure<ClusterMembershipOptions>(FailureDetection.Membership);
        // How fast a dead silo is noticed (ProbeTimeout, NumMissedProbesLimit, NumVotesForDeathDeclaration, ...).
        silo.Configure<ClusterMembershipOptions>(configuration.GetSection(MembershipSection));
        silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = FailureDetection.ResponseTimeout);
        silo.Configure<SiloMessagingOptions>(configuration.GetSection(MessagingSection));
        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = PostgresConnection.Invariant;
            options.ConnectionString = PostgresConnection.ForProviders(connectionString);
        });
        if (endpoints.AdvertisedIP is { } advertised)
        {
            silo.ConfigureEndpoints(IPAddress.Parse(advertised), endpoints.SiloPort, endpoints.GatewayPort, listenOnAnyHostAddress: true);
        }
        else
        {
            silo.ConfigureEndpoints(endpoints.SiloPort, endpoints.GatewayPort, listenOnAnyHostAddress: true);
        }
        if (RunsInKubernetes(configuration))
        {
            // Last, so the pod's own name, IP and orleans/* labels (POD_*, ORLEANS_* in the environment) win, and the
            // pod of a silo declared dead is deleted rather than left running. Clustering stays on PostgreSQL.
            silo.UseKubernetesHosting();
        }
        return silo.AddActorsTelemetry(configuration).AddActorsPersistence(connectionString).AddActorsPayments(connectionString);
    }

    /// <summary>Kubernetes sets this variable in every container it starts.</summary>
    public const string KubernetesServiceHostKey = "KUBERNETES_SERVICE_HOST";

    public static bool RunsInKubernetes(IConfiguration configuration) => !string.IsNullOrEmpty(configuration[KubernetesServiceHostKey]);

    /// <summary>
    /// What checkout needs: the <c>Payments</c> settings (validated at start), the exchange-rate table, the sandbox
    /// gateway on PostgreSQL, the platform's metrics, reminders as frequent as reconciliation asks, and the catalog that
    /// prices every line (its table, and the seed items of <c>Catalog:Items</c>).
    /// </summary>
    public static ISiloBuilder AddActorsPayments(this ISiloBuilder silo, string connectionString)
    {
        silo.Services.AddOptions<PaymentSettings>()
            .BindConfiguration(PaymentSettings.Section)
            .ValidateDataAnnotations()
            .Validate(HasValidRates, "Payments:ExchangeRates must give a positive rate for known ISO-4217 currency codes.")
            .ValidateOnStart();
        silo.Services.AddOptions<ReminderOptions>().Configure<IOptions<PaymentSettings>>((reminders, payments) =>
            reminders.MinimumReminderPeriod = TimeSpan.FromTicks(Math.Min(reminders.MinimumReminderPeriod.Ticks, payments.Value.ReconcileEvery.Ticks)));
        silo.Services.AddSingleton(services => new ExchangeRates(services.GetRequiredService<IOptions<PaymentSettings>>().Value.ExchangeRates));
        silo.Services.AddOptions<PersonalizationSettings>()
            .BindConfiguration(PersonalizationSettings.Section)
            .Validate(settings => Currencies.TryNormalize(settings.Loyalty.Currency, out _) && settings.Loyalty.PointsPerUnit >= 0
                && settings.Loyalty.PointValue > 0, "Personalization:Loyalty needs a known currency, PointsPerUnit >= 0 and PointValue > 0.")
            .ValidateOnStart();
        silo.Services.AddSingleton<PaymentMetrics>();
        silo.Services.TryAddSingleton(_ => SiloDatabase.Create(connectionString));
        silo.Services.AddSingleton<IPaymentGateway, SandboxGateway>();
        silo.Services.AddOptions<CatalogSettings>()
            .BindConfiguration(CatalogSettings.Section)
            .Validate(catalog => !catalog.InvalidItems().Any(),
                "Catalog:Items must give each SKU (1–64 of A-Z a-z 0-9 . _ -) a name, a positive unitPrice and an ISO-4217 currency.")
            .ValidateOnStart();
        silo.Services.AddSingleton<ICatalogStore, PostgresCatalogStore>();
        silo.Services.AddOptions<StepUpSettings>().BindConfiguration(StepUpSettings.Section).ValidateDataAnnotations().ValidateOnStart();
        // Development delivery of step-up codes; a deployment registers its email or SMS sender first.
        silo.Services.TryAddSingleton<IStepUpCodeSender, DevOutboxSender>();
        return silo;
    }

    private static bool HasValidRates(PaymentSettings settings)
    {
        try
        {
            _ = new ExchangeRates(settings.ExchangeRates);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>
    /// The customer journal (sealed with customers' data keys, which the silo rewraps after a master key rotation),
    /// grain storage and reminders on PostgreSQL: everything a silo needs apart from membership.
    /// Grain storage keeps what is small and not a customer's journal (it is not used by customers).
    /// </summary>
    public static ISiloBuilder AddActorsPersistence(this ISiloBuilder silo, string connectionString)
    {
        silo.Services.AddOptions<JournalSettings>().BindConfiguration(JournalSettings.Section).ValidateDataAnnotations().ValidateOnStart();
        silo.Services.TryAddSingleton(_ => SiloDatabase.Create(connectionString));
        silo.Services.AddActorsPrivacy(services => services.GetRequiredService<SiloDatabase>().DataSource);
        silo.Services.AddHostedService<MasterKeyRewrap>();
        silo.Services.AddSingleton<JournalAppender>();
        silo.Services.AddSingleton<ICustomerJournal, PostgresJournal>();
        silo.Services.AddActorsWebhooks();
        silo.Services.AddOptions<RetentionSettings>().BindConfiguration(RetentionSettings.Section).ValidateDataAnnotations().ValidateOnStart();
        silo.AddStartupTask((services, _) => services.GetRequiredService<IGrainFactory>().GetGrain<IRetentionGrain>(IRetentionGrain.Key).Start());
        // Orleans' own serializer rather than JSON: it honours [Id] and [Alias], so state survives renames.
        silo.AddAdoNetGrainStorage(StorageNames.Customers, options => options.Configure<Serializer>((storage, serializer) =>
        {
            storage.Invariant = PostgresConnection.Invariant;
            storage.ConnectionString = PostgresConnection.ForProviders(connectionString);
            storage.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
        silo.UseAdoNetReminderService(options =>
        {
            options.Invariant = PostgresConnection.Invariant;
            options.ConnectionString = PostgresConnection.ForProviders(connectionString);
        });
        silo.AddIncomingGrainCallFilter<DatabaseFaults>();
        silo.Services.TryAddSingleton(TimeProvider.System);
        return silo;
    }
}
