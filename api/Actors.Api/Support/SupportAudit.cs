using System.Security.Claims;
using Actors.Api.Auth;
using Actors.Grains.Customers;

namespace Actors.Api.Support;

/// <summary>Every read support makes of a customer's export, timeline or past is journaled before it is answered.</summary>
public static class SupportAudit
{
    /// <summary>
    /// For a support reader, journals the read of <paramref name="what"/> and waits until it is durable. True when the
    /// read may go on; false when there is no such customer (nothing was read, nothing recorded).
    /// </summary>
    public static async Task<bool> Recorded(ClaimsPrincipal user, ICustomerGrain customer, string what, CancellationToken cancellationToken) =>
        !user.IsInRole(Roles.Support)
        || await customer.RecordSupportAccess(user.FindFirstValue(Roles.SubjectClaim) ?? "", what, cancellationToken);
}
