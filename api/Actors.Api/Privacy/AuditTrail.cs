using Actors.Api.Support;

namespace Actors.Api.Privacy;

/// <summary>
/// A customer's audit trail as the export and the timeline show it: the consent, limit, self-exclusion, merge and
/// support-read events of the journal, newest first. The one place to read it from.
/// </summary>
public sealed class AuditTrail(JournalReader journal)
{
    public async Task<AuditEntryView[]> Read(string customerId, Masking mask, CancellationToken cancellationToken)
    {
        var entries = await journal.OfTypes(customerId, JournalSummaries.Audited, cancellationToken);
        return [.. entries.Select(entry =>
        {
            var (kind, summary) = JournalSummaries.Of(entry.Event, mask);
            return new AuditEntryView(kind, entry.Sequence, entry.Event.At, summary);
        })];
    }
}
