using System.Text.Json;
using Actors.Api.Carts;
using Actors.Api.Checkouts;
using Actors.Api.Customers;
using Actors.Api.Payments;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Actors.Api.Hosting;

/// <summary>
/// Examples of the main requests and responses, written as the API's own records and serialized as the API
/// serializes them, so an example cannot name a field the type does not have.
/// </summary>
internal static class ApiExamples
{
    private const string CustomerId = "cus_7k2m9q4x8v1t6r3w5y0z";
    private const string CheckoutId = "chk_4n8p2s6v0x3z7b1d5f9h";
    private const string PaymentId = "pay_9h5f1d7b3z0x6v2s8p4n";
    private const string MethodId = "pm_2b6d0f4h8k1m5p9s3v7x";
    private static readonly DateTimeOffset At = new(2026, 11, 30, 9, 15, 0, TimeSpan.Zero);

    private static readonly CheckoutLineView Beans = new("beans", "Coffee beans", 1_450, 2, 2_900, 3);
    private static readonly PaymentMethodView Visa = new(MethodId, "visa", "4242", 12, 2030, "DE", true);

    private static readonly Dictionary<Type, object> Examples = new()
    {
        [typeof(ProfileRequest)] = new ProfileRequest("Grace Hopper", "grace@example.com", "+4930123456", "en-GB", "EUR", "Europe/Berlin"),
        [typeof(CustomerView)] = new CustomerView(CustomerId, "Grace Hopper", "grace@example.com", "+4930123456", "en-GB", "EUR",
            "Europe/Berlin", 3, At.AddDays(-20), At),
        [typeof(CartLineRequest)] = new CartLineRequest("beans", 2),
        [typeof(CartView)] = new CartView(4, "EUR", 3_799, [new("beans", "Coffee beans", 1_450, "EUR", 2, 2_900, 3), new("mug", "Enamel mug", 899, "EUR", 1, 899, 1)], At),
        [typeof(CheckoutRequest)] = new CheckoutRequest([new CheckoutLineRequest("beans", 2)], "Coffee for the office"),
        [typeof(CheckoutView)] = new CheckoutView(CheckoutId, "requires_confirmation", "EUR", 2_900, "EUR", 2_900, "Coffee for the office", false,
            [Beans], [Visa], [new HeadroomView("daily", 10_000, 1_200, 8_800, "EUR", At.Date.AddDays(1))], null, At, At.AddMinutes(30), 2_900,
            null, null, new RiskView(0, false, false, [])),
        [typeof(ConfirmRequest)] = new ConfirmRequest(MethodId, null),
        [typeof(PaymentView)] = new PaymentView(PaymentId, CheckoutId, "succeeded", 2_900, "EUR", 2_900, "EUR", 0,
            new PaymentMethodSummary(MethodId, "visa", "4242"), null, null, "web", "Coffee for the office", At, At),
        [typeof(RefundRequestBody)] = new RefundRequestBody(1_450, "One bag arrived damaged"),
    };

    public static Task Describe(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (Examples.TryGetValue(context.JsonTypeInfo.Type, out var example))
        {
            schema.Examples = [JsonSerializer.SerializeToNode(example, context.JsonTypeInfo)!];
        }
        return Task.CompletedTask;
    }
}
