using System.Security.Claims;
using Actors.Api.Problems;
using Actors.Grains.Customers;

namespace Actors.Api.Auth;

/// <summary>The roles a token can carry in its <c>role</c> claim.</summary>
public static class Roles
{
    /// <summary>A customer acting on their own profile only: the token's <c>sub</c> is their customer id.</summary>
    public const string Customer = "customer";

    /// <summary>Customer support: reads any customer, with personal data masked.</summary>
    public const string Support = "support";

    /// <summary>The merchant's operators: administer customers and the cluster.</summary>
    public const string Operator = "operator";

    /// <summary>A store terminal acting for a customer it identifies by loyalty card.</summary>
    public const string Pos = "pos";

    public static readonly IReadOnlySet<string> All = new HashSet<string> { Customer, Support, Operator, Pos };

    public const string SubjectClaim = "sub";
    public const string RoleClaim = "role";
}

public static class Policies
{
    public const string ReadCustomer = "read-customer";
    public const string WriteCustomer = "write-customer";
    public const string CreateCustomer = "create-customer";
    public const string Refund = "refund";
    public const string ReadCatalog = "read-catalog";
    public const string ManageCatalog = "manage-catalog";
    public const string ReadExperiments = "read-experiments";
    public const string ResolveIdentity = "resolve-identity";
    public const string ReadMetrics = "read-metrics";
    public const string OperateCluster = "operate-cluster";
    public const string MergeCustomers = "merge-customers";
    public const string Till = "till";
    public const string WatchCustomer = "watch-customer";
    public const string OpenCase = "open-case";
    public const string AnswerCase = "answer-case";
    public const string GiveFeedback = "give-feedback";
    public const string Investigate = "investigate";
    public const string StepUp = "step-up";
    public const string ManageWebhooks = "manage-webhooks";

    public static IServiceCollection AddActorsPolicies(this IServiceCollection services) => services
        .AddAuthorizationBuilder()
        .AddPolicy(ReadCustomer, policy => policy.RequireRole(Roles.Customer, Roles.Support, Roles.Operator))
        .AddPolicy(WriteCustomer, policy => policy.RequireRole(Roles.Customer, Roles.Operator))
        .AddPolicy(CreateCustomer, policy => policy.RequireRole(Roles.Operator, Roles.Pos))
        // Money goes back to the customer on the merchant's decision, not the customer's.
        .AddPolicy(Refund, policy => policy.RequireRole(Roles.Operator))
        // Prices are the merchant's: every signed-in role reads them, only operators change them.
        .AddPolicy(ReadCatalog, policy => policy.RequireRole(Roles.Customer, Roles.Support, Roles.Operator, Roles.Pos))
        .AddPolicy(ManageCatalog, policy => policy.RequireRole(Roles.Operator))
        .AddPolicy(ReadExperiments, policy => policy.RequireRole(Roles.Operator))
        // Finding a customer by email, phone, loyalty card or device is for staff and tills, not for customers.
        .AddPolicy(ResolveIdentity, policy => policy.RequireRole(Roles.Support, Roles.Operator, Roles.Pos))
        // Route names, status counts and exception types are for the merchant's operators only.
        .AddPolicy(ReadMetrics, policy => policy.RequireRole(Roles.Operator))
        // The Orleans Dashboard shows grain keys (customer ids) and the cluster's health: operators only.
        .AddPolicy(OperateCluster, policy => policy.RequireRole(Roles.Operator))
        // Two profiles of one person become one on the merchant's decision (support or operators), never a customer's.
        .AddPolicy(MergeCustomers, policy => policy.RequireRole(Roles.Support, Roles.Operator))
        // Selling at a store till is the till's job alone: nobody else acts as one.
        .AddPolicy(Till, policy => policy.RequireRole(Roles.Pos))
        // Live updates: whoever reads a customer, and a till for its own checkouts only (see CustomerHub).
        .AddPolicy(WatchCustomer, policy => policy.RequireRole(Roles.Customer, Roles.Support, Roles.Operator, Roles.Pos))
        // Support opens and closes cases on payments; the customer answers them, and alone says what they thought.
        .AddPolicy(OpenCase, policy => policy.RequireRole(Roles.Support, Roles.Operator))
        .AddPolicy(AnswerCase, policy => policy.RequireRole(Roles.Customer, Roles.Support, Roles.Operator))
        .AddPolicy(GiveFeedback, policy => policy.RequireRole(Roles.Customer))
        // A customer's timeline and past states are the merchant's view for disputes and questions, not the customer's own.
        .AddPolicy(Investigate, policy => policy.RequireRole(Roles.Support, Roles.Operator))
        // A step-up proves the customer is at the device; staff acting on a customer need none.
        .AddPolicy(StepUp, policy => policy.RequireRole(Roles.Customer))
        // Where the merchant's backend hears of payments is the operators' to set.
        .AddPolicy(ManageWebhooks, policy => policy.RequireRole(Roles.Operator))
        .Services;
}

public static class CustomerAccess
{
    /// <summary>
    /// Whether <paramref name="user"/> may see <paramref name="customerId"/> at all. A customer sees only
    /// themselves; the caller answers 404 otherwise, so another customer's existence is never revealed.
    /// </summary>
    public static bool MaySee(this ClaimsPrincipal user, string customerId) =>
        CustomerId.IsWellFormed(customerId)
        && (!user.IsInRole(Roles.Customer) || user.FindFirstValue(Roles.SubjectClaim) == customerId);

    /// <summary>
    /// Endpoint filter for every route under <c>/v1/customers/{customerId}</c>: a customer who is not the caller
    /// does not exist as far as the caller can tell, so 404 rather than 403.
    /// </summary>
    public static async ValueTask<object?> VisibleToCaller(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var customerId = context.HttpContext.GetRouteValue("customerId") as string ?? "";
        return context.HttpContext.User.MaySee(customerId)
            ? await next(context)
            : ApiProblems.CustomerNotFound();
    }

    /// <summary>Support reads customers with personal data masked.</summary>
    public static bool SeesMaskedData(this ClaimsPrincipal user) =>
        user.IsInRole(Roles.Support) && !user.IsInRole(Roles.Operator);
}
