using System.Net;
using System.Text.Json;
using Actors.Tests.Infrastructure;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Api;

/// <summary>Support cases on payments and feedback over the API: who may do what, the conversation live on the customer's devices, and feedback's rules.</summary>
[Collection(ApiCollection.Name)]
public sealed class SupportCaseApiTests(ApiFixture fixture)
{
    private static string Body(object value) => JsonSerializer.Serialize(value);

    private static Task<HttpResponseMessage> Post(HttpClient client, string path, object body) =>
        client.SendAsync(Requests.Json(HttpMethod.Post, path, Body(body)));

    private async Task<(Shopper Shopper, string PaymentId)> ShopperWhoPaid()
    {
        var shopper = await Shopper.Create(fixture.ClientAs);
        var visa = await shopper.SaveMethod("tok_visa");
        return (shopper, await shopper.Pay(visa, 1_200));
    }

    [Fact]
    public async Task Support_opens_a_dispute_the_customer_sees_it_live_and_answers_and_support_closes_it()
    {
        var (shopper, paymentId) = await ShopperWhoPaid();
        var support = await fixture.ClientAs("support");
        await using var phone = await LiveDevice.Watching(shopper.Client);

        var opened = await Json(await Post(support, shopper.Base + "/cases",
            new { paymentId, kind = "dispute", message = "We saw a chargeback request for this payment. Did you make it?" }), HttpStatusCode.Created);
        var caseId = opened.GetProperty("id").GetString()!;
        Assert.StartsWith("case_", caseId);
        Assert.Equal(("dispute", "open", paymentId), (opened.GetProperty("kind").GetString(), opened.GetProperty("status").GetString(),
            opened.GetProperty("paymentId").GetString()));
        var heard = await phone.WaitFor("CaseUpdated", payload => payload.GetProperty("case").GetProperty("id").GetString() == caseId);
        Assert.Equal("support", heard.Payload.GetProperty("case").GetProperty("messages")[0].GetProperty("from").GetString());

        var answered = await Json(await Post(shopper.Client, $"{shopper.Base}/cases/{caseId}/messages",
            new { text = "No, I did not: my card was in my wallet. Please look into it." }), HttpStatusCode.OK);
        Assert.Equal(["support", "customer"], answered.GetProperty("messages").EnumerateArray().Select(message => message.GetProperty("from").GetString()));
        var closed = await Json(await Post(support, $"{shopper.Base}/cases/{caseId}/close", new { resolution = "Chargeback refused." }), HttpStatusCode.OK);
        Assert.Equal(("closed", "Chargeback refused."), (closed.GetProperty("status").GetString(), closed.GetProperty("resolution").GetString()));
        await phone.WaitFor("CaseUpdated", payload => payload.GetProperty("case").GetProperty("status").GetString() == "closed");

        // Closed is closed: no more messages, and closing again changes nothing.
        await Problem(await Post(shopper.Client, $"{shopper.Base}/cases/{caseId}/messages", new { text = "One more thing" }),
            HttpStatusCode.Conflict, "/errors/case-closed");
        Assert.Equal(closed.GetRawText(), (await Json(await Post(support, $"{shopper.Base}/cases/{caseId}/close", new { }), HttpStatusCode.OK)).GetRawText());
        var listed = await shopper.Read("/cases");
        Assert.Equal(closed.GetRawText(), Assert.Single(listed.GetProperty("cases").EnumerateArray()).GetRawText());
    }

    [Fact]
    public async Task Only_support_and_operators_open_or_close_cases_and_a_case_needs_a_payment_of_this_customer()
    {
        var (shopper, paymentId) = await ShopperWhoPaid();
        var (other, othersPayment) = await ShopperWhoPaid();
        var support = await fixture.ClientAs("support");
        var till = await fixture.ClientAs("pos");

        await Problem(await Post(shopper.Client, shopper.Base + "/cases", new { paymentId, kind = "question", message = "Hello" }),
            HttpStatusCode.Forbidden, "/errors/forbidden");
        await Problem(await Post(till, shopper.Base + "/cases", new { paymentId, kind = "question", message = "Hello" }),
            HttpStatusCode.Forbidden, "/errors/forbidden");
        await Problem(await Post(support, shopper.Base + "/cases", new { paymentId = othersPayment, kind = "question", message = "Hello" }),
            HttpStatusCode.NotFound, "/errors/payment-not-found");
        var invalid = await Problem(await Post(support, shopper.Base + "/cases", new { paymentId, kind = "complaint", message = "" }),
            HttpStatusCode.BadRequest, "/errors/validation");
        Assert.True(invalid.GetProperty("errors").TryGetProperty("kind", out _));
        Assert.True(invalid.GetProperty("errors").TryGetProperty("message", out _));
        Assert.Equal(0, (await shopper.Read("/cases")).GetProperty("cases").GetArrayLength());

        var opened = await Json(await Post(support, shopper.Base + "/cases", new { paymentId, kind = "question", message = "Was this you?" }),
            HttpStatusCode.Created);
        var caseId = opened.GetProperty("id").GetString()!;
        await Problem(await Post(shopper.Client, $"{shopper.Base}/cases/{caseId}/close", new { }), HttpStatusCode.Forbidden, "/errors/forbidden");
        await Problem(await other.Client.GetAsync($"{shopper.Base}/cases/{caseId}"), HttpStatusCode.NotFound, "/errors/customer-not-found");
        await Problem(await support.GetAsync($"{other.Base}/cases/{caseId}"), HttpStatusCode.NotFound, "/errors/case-not-found");
    }

    [Fact]
    public async Task Feedback_is_given_once_on_a_succeeded_payment_or_a_closed_case_and_only_by_the_customer()
    {
        var (shopper, paymentId) = await ShopperWhoPaid();
        var support = await fixture.ClientAs("support");
        var opened = await Json(await Post(support, shopper.Base + "/cases", new { paymentId, kind = "question", message = "Was this you?" }),
            HttpStatusCode.Created);
        var caseId = opened.GetProperty("id").GetString()!;

        await Problem(await Post(shopper.Client, shopper.Base + "/feedback", new { subjectId = caseId, rating = 4 }),
            HttpStatusCode.UnprocessableEntity, "/errors/feedback-not-eligible");
        await Problem(await Post(support, shopper.Base + "/feedback", new { subjectId = paymentId, rating = 5 }),
            HttpStatusCode.Forbidden, "/errors/forbidden");
        await Problem(await Post(shopper.Client, shopper.Base + "/feedback", new { subjectId = paymentId, rating = 6 }),
            HttpStatusCode.BadRequest, "/errors/validation");

        var given = await Json(await Post(shopper.Client, shopper.Base + "/feedback",
            new { subjectId = paymentId, rating = 5, comment = "Quick and easy." }), HttpStatusCode.Created);
        Assert.Equal(("payment", 5, "Quick and easy."),
            (given.GetProperty("subject").GetString(), given.GetProperty("rating").GetInt32(), given.GetProperty("comment").GetString()));
        await Problem(await Post(shopper.Client, shopper.Base + "/feedback", new { subjectId = paymentId, rating = 1 }),
            HttpStatusCode.Conflict, "/errors/feedback-exists");

        await Json(await Post(support, $"{shopper.Base}/cases/{caseId}/close", new { }), HttpStatusCode.OK);
        await Json(await Post(shopper.Client, shopper.Base + "/feedback", new { subjectId = caseId, rating = 3 }), HttpStatusCode.Created);

        // Support sees what the customer thought, newest first.
        var feedback = await Json(await support.GetAsync(shopper.Base + "/feedback"), HttpStatusCode.OK);
        Assert.Equal([(caseId, 3), (paymentId, 5)], feedback.GetProperty("feedback").EnumerateArray()
            .Select(entry => (entry.GetProperty("subjectId").GetString()!, entry.GetProperty("rating").GetInt32())));
    }
}
