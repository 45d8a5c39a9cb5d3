namespace Actors.Grains.Hosting;

/// <summary>Names that silos, clients and tests must agree on.</summary>
public static class StorageNames
{
    /// <summary>The grain storage provider that holds customer state.</summary>
    public const string Customers = "customers";

    /// <summary>The configuration key of the PostgreSQL connection string used by every host.</summary>
    public const string ConnectionStringName = "Actors";
}
