using System.Globalization;
using System.Text.Json.Serialization;
using Actors.Api.Auth;
using Actors.Api.Customers;
using Actors.Api.Problems;
using Actors.Grains.Journal;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Actors.Api.Audit;

/// <summary>
/// The customer's audit trail from the journal: its entries (newest first), a check of their hash chain, and signed
/// receipts for consent and limits changes; and the public keys that verify receipts.
/// </summary>
public static class AuditApi
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;
    public const string ReceiptKeysPath = "/.well-known/receipt-keys";

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var audit = app.MapCustomerGroup("/audit").WithTags("Audit").RequireAuthorization(Policies.ReadCustomer);
        audit.MapGet("", Entries);
        audit.MapGet("/verify", Verify);
        audit.MapGet("/{sequence}/receipt", Receipt);
        // Anyone holding a receipt verifies it with these keys, without an account.
        app.MapGet(ReceiptKeysPath, (ReceiptSigner signer) => TypedResults.Ok(signer.Keys)).AllowAnonymous().WithTags("Audit");
        return app;
    }

    /// <summary>Newest first; pages with <c>limit</c> (1–100) and <c>starting_after</c> (the last sequence of the previous page).</summary>
    private static async Task<Results<Ok<AuditPage>, ValidationProblem, ProblemHttpResult>> Entries(
        string customerId, HttpContext http, AuditTrail trail, CancellationToken cancellationToken)
    {
        var query = http.Request.Query;
        var errors = new Dictionary<string, string[]>();
        var limit = DefaultLimit;
        if (query["limit"] is { Count: > 0 } rawLimit && (!int.TryParse(rawLimit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            errors["limit"] = [$"must be a whole number from 1 to {MaxLimit}"];
        }
        long? before = null;
        if (query["starting_after"] is { Count: > 0 } cursor)
        {
            if (ParseSequence(cursor) is { } sequence)
            {
                before = sequence;
            }
            else
            {
                errors["starting_after"] = ["must be the sequence of an audit entry"];
            }
        }
        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }
        if (!await trail.Exists(customerId, cancellationToken))
        {
            return ApiProblems.CustomerNotFound();
        }
        var (page, hasMore) = await trail.Page(customerId, limit, before, cancellationToken);
        var masked = http.User.SeesMaskedData();
        return TypedResults.Ok(new AuditPage([.. page.Select(entry => AuditEntryView.From(entry, masked))], hasMore));
    }

    /// <summary>Recomputes the chain from the stored rows: <c>verified</c>, or the first entry that no longer links (<c>brokenAt</c>) and why.</summary>
    private static async Task<Results<Ok<AuditVerificationView>, ProblemHttpResult>> Verify(
        string customerId, AuditTrail trail, CancellationToken cancellationToken) =>
        await trail.Exists(customerId, cancellationToken)
            ? TypedResults.Ok(AuditVerificationView.From(await trail.Verify(customerId, cancellationToken)))
            : ApiProblems.CustomerNotFound();

    /// <summary>
    /// A signed receipt for a consent or limits entry. An entry is only signed while the chain up to it verifies, so a
    /// receipt never vouches for a changed entry.
    /// </summary>
    private static async Task<Results<Ok<SignedReceipt>, ProblemHttpResult>> Receipt(
        string customerId, string sequence, HttpContext http, AuditTrail trail, ReceiptSigner signer, CancellationToken cancellationToken)
    {
        if (!await trail.Exists(customerId, cancellationToken))
        {
            return ApiProblems.CustomerNotFound();
        }
        if (ParseSequence(sequence) is not { } at || await trail.Entry(customerId, at, cancellationToken) is not { } entry)
        {
            return ApiProblems.Of(StatusCodes.Status404NotFound, ProblemTypes.AuditEntryNotFound, "No such audit entry.",
                "Name the sequence of an entry of this customer's audit trail.");
        }
        if (!AuditKinds.Receipted.Contains(entry.Kind))
        {
            return NoReceipt();
        }
        if (await trail.Verify(customerId, cancellationToken) is { Verified: false, BrokenAt: { } broken } && broken <= at)
        {
            return ApiProblems.Of(StatusCodes.Status409Conflict, ProblemTypes.AuditChainBroken, "The audit trail does not verify at or before this entry.",
                $"The chain breaks at entry {broken}; no receipt is signed for what it may no longer hold.");
        }
        // An intact entry that no longer opens belongs to an erased customer: its data key is gone.
        if (AuditDescriptions.Change(entry, http.User.SeesMaskedData()) is not { } change)
        {
            return NoReceipt();
        }
        var (channel, device) = AuditDescriptions.Origin(entry, http.User.SeesMaskedData());
        return TypedResults.Ok(signer.Sign(new Receipt(signer.Issuer, customerId, entry.Row.Sequence, entry.Kind, change,
            AuditDescriptions.Summary(entry.Kind, change), entry.Row.RecordedAt, channel, device, Convert.ToHexStringLower(entry.Row.Hash))));
    }

    private static ProblemHttpResult NoReceipt() =>
        ApiProblems.Of(StatusCodes.Status404NotFound, ProblemTypes.NoReceipt, "This entry has no receipt.",
            "Receipts are given for consent and limits changes whose entry can still be opened.");

    private static long? ParseSequence(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) && sequence > 0 ? sequence : null;
}

/// <summary>One audit entry: what changed (<see cref="Change"/>, and in words), and the chain hashes it stores.</summary>
public sealed record AuditEntryView(long Sequence, DateTimeOffset At, string Kind, string Summary, AuditChange? Change, string Hash, string? PreviousHash)
{
    public static AuditEntryView From(AuditRecord entry, bool masked)
    {
        var change = AuditDescriptions.Change(entry, masked);
        return new(entry.Row.Sequence, entry.Row.RecordedAt, entry.Kind, AuditDescriptions.Summary(entry.Kind, change), change,
            Convert.ToHexStringLower(entry.Row.Hash), entry.Row.Previous is { } previous ? Convert.ToHexStringLower(previous) : null);
    }
}

public sealed record AuditPage(AuditEntryView[] Data, bool HasMore);

public sealed record AuditVerificationView(
    bool Verified,
    int Entries,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? BrokenAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason)
{
    public static AuditVerificationView From(AuditVerification verification) =>
        new(verification.Verified, verification.Entries, verification.BrokenAt, verification.Reason);
}

public static class AuditHosting
{
    /// <summary>The audit trail reader and the receipt signer, its <c>Receipts</c> keys validated at start.</summary>
    public static IServiceCollection AddAuditTrail(this IServiceCollection services)
    {
        services.AddOptions<ReceiptSettings>()
            .BindConfiguration(ReceiptSettings.Section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReceiptSettings>, ReceiptSettingsValidation>();
        services.AddSingleton<ReceiptSigner>();
        services.AddSingleton<AuditTrail>();
        return services;
    }

    /// <summary>Names every problem of the <c>Receipts</c> section at start, and the README section that says how to set it.</summary>
    private sealed class ReceiptSettingsValidation : IValidateOptions<ReceiptSettings>
    {
        public ValidateOptionsResult Validate(string? name, ReceiptSettings options) =>
            options.Problems() is { Count: > 0 } problems
                ? ValidateOptionsResult.Fail(problems.Append("See the README, Audit trail and receipts."))
                : ValidateOptionsResult.Success;
    }
}
