namespace Actors.Grains.Customers;

/// <summary>Customer ids are <c>cus_</c> plus 20 random base-32 characters.</summary>
public static class CustomerId
{
    public const string Prefix = "cus_";

    public static string New() => RandomIds.New(Prefix);

    /// <summary>True when <paramref name="value"/> has the shape of an id this platform issues.</summary>
    public static bool IsWellFormed(string? value) => RandomIds.IsWellFormed(value, Prefix);
}
