using Actors.Grains.Journal;

namespace Actors.Grains.Support;

/// <summary>
/// Support read the customer: <see cref="Reader"/> (the token's subject) opened <see cref="What"/> (one of
/// <see cref="SupportReads"/>). Durable before the read is answered, so no support read goes unrecorded.
/// </summary>
[GenerateSerializer, Immutable, Alias("support-accessed-v1"), AuditEntry(AuditKinds.SupportAccess)]
public sealed record SupportAccessed([property: Id(0)] string Reader, [property: Id(1)] string What) : JournalEvent;

/// <summary>What support can open on a customer; each opening is one <see cref="SupportAccessed"/>.</summary>
public static class SupportReads
{
    public const string Export = "export";
    public const string Timeline = "timeline";
    public const string AsOf = "as-of";
    public const string PaymentContext = "payment-context";

    public static bool IsKnown(string? what) => what is Export or Timeline or AsOf or PaymentContext
        || (what is { Length: > 0 and <= MaxRoute } && what.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '{' or '}'));

    /// <summary>The longest route a read is recorded by.</summary>
    public const int MaxRoute = 100;

    /// <summary>
    /// Any other read, by its route under the customer (<c>/v1/customers/{customerId}/cases/{caseId}</c> →
    /// <c>cases/{caseId}</c>; the customer itself → <c>profile</c>): a route template, never what the caller sent.
    /// </summary>
    public static string OfRoute(string pattern)
    {
        const string Prefix = "/v1/customers/{customerId}";
        var rest = (pattern.StartsWith(Prefix, StringComparison.Ordinal) ? pattern[Prefix.Length..] : pattern).Trim('/');
        return rest.Length == 0 ? "profile" : rest.Length > MaxRoute ? rest[..MaxRoute] : rest;
    }

    /// <summary>The longest reader name kept: a token's subject, never free text.</summary>
    public const int MaxReader = 200;
}

/// <summary>Recording a support read as a decision over the customer's state.</summary>
public static class SupportDecider
{
    /// <summary>One <see cref="SupportAccessed"/> for an existing customer; true when it is recorded, false when there is no such customer.</summary>
    public static Decision<bool> Access(Customers.CustomerState state, string reader, string what, DateTimeOffset now)
    {
        if (!SupportReads.IsKnown(what))
        {
            throw new ArgumentOutOfRangeException(nameof(what), what, "Not a support read.");
        }
        if (state.Profile is null)
        {
            return Decision.Answer(false);
        }
        var name = string.IsNullOrWhiteSpace(reader) ? "unknown" : reader.Length > SupportReads.MaxReader ? reader[..SupportReads.MaxReader] : reader;
        return Decision.Emit(true, new SupportAccessed(name, what) { At = now });
    }
}
