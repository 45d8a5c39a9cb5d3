using System.Security.Claims;
using Actors.Api.Auth;
using Actors.Grains.Erasure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Actors.Api.Live;

/// <summary>
/// The live-update hub: authenticates, puts the connection in its customer's group, and nothing more. Clients
/// invoke nothing here; changes go through the REST API and come back as events (docs/live-updates.md).
/// </summary>
[Authorize(Policy = Policies.WatchCustomer)]
public sealed class CustomerHub(CustomerWatchers watchers) : Hub
{
    public const string Path = "/hubs/customer";
    public const string CustomerIdQuery = "customerId";
    public const string DeviceIdQuery = "deviceId";

    public override async Task OnConnectedAsync()
    {
        var user = Context.User ?? new ClaimsPrincipal();
        var query = Context.GetHttpContext()?.Request.Query;
        var customerId = Watched(user, query?[CustomerIdQuery]);
        var group = customerId is null ? null : AudienceOf(user, customerId, query?[DeviceIdQuery]);
        // Same answer for "not yours" and "does not exist", as over REST.
        if (customerId is null || group is null || !user.MaySee(customerId)
            || await JoinUnlessErased(customerId, group) is not { } sequence)
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

    /// <summary>Joins the customer's group; an erased customer closes the connection saying so, as REST answers 410.</summary>
    private async Task<long?> JoinUnlessErased(string customerId, string group)
    {
        try
        {
            return await watchers.Join(Context.ConnectionId, customerId, group, Context.Abort, Context.ConnectionAborted);
        }
        catch (CustomerErasedException)
        {
            throw new HubException("This customer was erased.");
        }
    }

    /// <summary>
    /// The group the connection joins: a till (its id in <c>deviceId</c>) hears only of the checkouts it made; support
    /// sees the profile masked; the customer and operators see everything. Null when a till names no valid id.
    /// </summary>
    private static string? AudienceOf(ClaimsPrincipal user, string customerId, string? deviceId)
    {
        if (!user.IsInRole(Roles.Pos) || user.IsInRole(Roles.Customer) || user.IsInRole(Roles.Support) || user.IsInRole(Roles.Operator))
        {
            return CustomerWatchers.Group(customerId, user.SeesMaskedData());
        }
        return Grains.Sessions.Caller.TryParse(deviceId, Grains.Sessions.Channels.Pos, null, []) is { } till
            ? CustomerWatchers.TillGroup(customerId, till.DeviceId)
            : null;
    }

    /// <summary>A customer watches themselves; support and operators name the customer in the query string.</summary>
    private static string? Watched(ClaimsPrincipal user, string? requested) =>
        user.IsInRole(Roles.Customer) ? requested ?? user.FindFirstValue(Roles.SubjectClaim) : requested;
}
