using System.Security.Claims;
using Actors.Api.Auth;
using Actors.Grains.Customers;
using Actors.Grains.Support;

namespace Actors.Api.Support;

/// <summary>Every read support makes of a customer is journaled before it is answered.</summary>
public static class SupportAudit
{
    /// <summary>
    /// Endpoint metadata of a read that records its own support access (so that its answer can list that very access,
    /// as the export does); <see cref="AuditsSupportReads"/> leaves it alone.
    /// </summary>
    public sealed class RecordsItsOwn;

    /// <summary>Marks the endpoints of <paramref name="group"/> as recording their own support reads.</summary>
    public static RouteGroupBuilder RecordingItsOwnSupportReads(this RouteGroupBuilder group) => group.WithMetadata(new RecordsItsOwn());

    /// <summary>
    /// Endpoint filter for every route under a customer: a support read that was answered with success is journaled
    /// (by its route, e.g. <c>payments/{paymentId}/receipt</c>) before the answer leaves, so no support read goes
    /// unrecorded; a refused read records nothing.
    /// </summary>
    public static async ValueTask<object?> AuditsSupportReads(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var endpoint = http.GetEndpoint();
        if (!HttpMethods.IsGet(http.Request.Method) || !http.User.IsInRole(Roles.Support) || endpoint?.Metadata.GetMetadata<RecordsItsOwn>() is not null)
        {
            return await next(context);
        }
        var result = await next(context);
        var answered = result is INestedHttpResult nested ? nested.Result : result;
        if (answered is IStatusCodeHttpResult { StatusCode: >= 200 and < 300 } && http.GetRouteValue("customerId") is string customerId
            && endpoint is RouteEndpoint route)
        {
            var customer = http.RequestServices.GetRequiredService<IClusterClient>().GetGrain<ICustomerGrain>(customerId);
            await Recorded(http.User, customer, SupportReads.OfRoute(route.RoutePattern.RawText ?? ""), http.RequestAborted);
        }
        return result;
    }

    /// <summary>
    /// For a support reader, journals the read of <paramref name="what"/> and waits until it is durable. True when the
    /// read may go on; false when there is no such customer (nothing was read, nothing recorded).
    /// </summary>
    public static async Task<bool> Recorded(ClaimsPrincipal user, ICustomerGrain customer, string what, CancellationToken cancellationToken) =>
        !user.IsInRole(Roles.Support)
        || await customer.RecordSupportAccess(user.FindFirstValue(Roles.SubjectClaim) ?? "", what, cancellationToken);
}
