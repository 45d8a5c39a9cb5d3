using Actors.Api.Auth;
using Actors.Api.Hosting;
using Actors.Api.Problems;
using Actors.Api.Support;
using Actors.Grains.Merge;
using Actors.Grains.Sessions;

namespace Actors.Api.Customers;

/// <summary>What every route under <c>/v1/customers/{customerId}</c> shares: who may see it, and where the request comes from.</summary>
public static class CustomerRoutes
{
    public const string DeviceIdHeader = "X-Device-Id";
    public const string ChannelHeader = "X-Channel";
    public const string DeviceLabelHeader = "X-Device-Label";

    /// <summary>A group under one customer (e.g. <c>/cart</c>): invisible customers are 404, and the caller's device is required.</summary>
    public static RouteGroupBuilder MapCustomerGroup(this IEndpointRouteBuilder app, string suffix = "") => app
        .MapGroup("/v1/customers/{customerId}" + suffix)
        .IsCustomerScoped()
        .ReadsDevice()
        .AddEndpointFilter(CustomerAccess.VisibleToCaller)
        .AddEndpointFilter(FromDevice)
        .AddEndpointFilter(ToSurvivor)
        .AddEndpointFilter(SupportAudit.AuditsSupportReads);

    /// <summary>
    /// A customer merged away throws <see cref="CustomerMergedException"/> from every call (one grain call filter), and
    /// this one endpoint filter answers it for every route of the group: reads are redirected for good (308, same
    /// path and query under the survivor's id), writes are refused (409 naming the survivor), so no result type needs
    /// a "merged" case of its own.
    /// </summary>
    internal static async ValueTask<object?> ToSurvivor(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (CustomerMergedException merged)
        {
            var request = context.HttpContext.Request;
            if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
            {
                return ApiProblems.CustomerMerged(merged.CustomerId, merged.SurvivorId);
            }
            var prefix = "/v1/customers/" + merged.CustomerId;
            var path = request.Path.Value ?? prefix;
            var rest = path.StartsWith(prefix, StringComparison.Ordinal) ? path[prefix.Length..] : "";
            return TypedResults.Redirect($"/v1/customers/{Uri.EscapeDataString(merged.SurvivorId)}{rest}{request.QueryString}", permanent: true, preserveMethod: true);
        }
    }

    /// <summary>
    /// Reads the device and channel headers and puts them in the Orleans request context, so the customer grain
    /// records the session and stamps payments with their channel, with whether the customer themself is calling (their
    /// sensitive changes need a step-up; staff's do not).
    /// </summary>
    private static async ValueTask<object?> FromDevice(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var headers = context.HttpContext.Request.Headers;
        var errors = new Dictionary<string, string[]>();
        if (Caller.TryParse(headers[DeviceIdHeader], headers[ChannelHeader], headers[DeviceLabelHeader], errors) is not { } caller)
        {
            return TypedResults.ValidationProblem(errors, title: "Say which device and channel the request comes from.",
                type: ProblemTypes.DeviceRequired);
        }
        RequestContext.Set(Caller.ContextKey, caller with { ByCustomer = context.HttpContext.User.IsInRole(Roles.Customer) });
        return await next(context);
    }
}
