using System.Security.Claims;
using Actors.Api.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Actors.Api.Live;

/// <summary>
/// The live-update hub: authenticates, puts the connection in its customer's group, and nothing more. Clients
/// invoke nothing here; changes go through the REST API and come back as events (docs/live-updates.md).
/// </summary>
[Authorize(Policy = Policies.ReadCustomer)]
public sealed class CustomerHub(CustomerWatchers watchers) : Hub
{
    public const string Path = "/hubs/customer";
    public const string CustomerIdQuery = "customerId";

    public override async Task OnConnectedAsync()
    {
        var user = Context.User ?? new ClaimsPrincipal();
        var customerId = Watched(user, Context.GetHttpContext()?.Request.Query[CustomerIdQuery]);
        // Same answer for "not yours" and "does not exist", as over REST.
        if (customerId is null || !user.MaySee(customerId)
            || await watchers.Join(Context.ConnectionId, customerId, user.SeesMaskedData(), Context.ConnectionAborted) is not { } sequence)
        {
            throw new HubException("No such customer.");
        }
        try
        {
            await Clients.Caller.SendAsync(LiveMessages.Synced, new SyncedMessage(customerId, sequence));
        }
        catch
        {
            // A failed OnConnectedAsync is never followed by OnDisconnectedAsync.
            await watchers.Leave(Context.ConnectionId);
            throw;
        }
    }

    public override Task OnDisconnectedAsync(Exception? exception) => watchers.Leave(Context.ConnectionId);

    /// <summary>A customer watches themselves; support and operators name the customer in the query string.</summary>
    private static string? Watched(ClaimsPrincipal user, string? requested) =>
        user.IsInRole(Roles.Customer) ? requested ?? user.FindFirstValue(Roles.SubjectClaim) : requested;
}
