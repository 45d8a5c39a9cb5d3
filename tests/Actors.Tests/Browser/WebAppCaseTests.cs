using System.Net;
using System.Text.Json;
using Actors.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Actors.Tests.Browser;

/// <summary>
/// Support cases in the web app: a case support opens appears live, the customer answers it on the page and support
/// reads the answer; once closed, the customer rates it. A payment just made is asked about too.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WebAppCaseTests(BrowserFixture fixture)
{
    private static Task<HttpResponseMessage> Post(HttpClient client, string path, object body) =>
        client.SendAsync(Requests.Json(HttpMethod.Post, path, JsonSerializer.Serialize(body)));

    [Fact]
    public async Task A_case_from_support_shows_live_the_customer_answers_it_and_rates_it_once_closed()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        var paymentId = await shopper.Pay(await shopper.SaveMethod("tok_visa"), 1_800);
        var support = await fixture.Api.ClientAs("support");
        await using var device = await fixture.SignedIn(shopper.Id);
        var page = device.Page;
        await Expect(page.Locator("#cases")).ToBeHiddenAsync();

        var opened = await HttpAssert.Json(await Post(support, shopper.Base + "/cases",
            new { paymentId, kind = "dispute", message = "Your bank asked us about this payment. Did you make it?" }), HttpStatusCode.Created);
        var caseId = opened.GetProperty("id").GetString()!;

        var shown = page.Locator($"[data-testid=case][data-id={caseId}]");
        await Expect(shown).ToContainTextAsync("Dispute about your payment of €18.00");
        await Expect(shown.Locator("[data-testid=case-messages]")).ToContainTextAsync("Support: Your bank asked us about this payment.");
        await shown.GetByLabel("Your answer").FillAsync("Yes, that was me at the café.");
        await shown.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Send answer" }).ClickAsync();
        await Expect(shown.Locator("[data-testid=case-messages] li[data-from=customer]")).ToContainTextAsync("You: Yes, that was me at the café.");
        var read = await HttpAssert.Json(await support.GetAsync($"{shopper.Base}/cases/{caseId}"), HttpStatusCode.OK);
        Assert.Equal("Yes, that was me at the café.", read.GetProperty("messages")[1].GetProperty("text").GetString());

        await HttpAssert.Json(await Post(support, $"{shopper.Base}/cases/{caseId}/close", new { resolution = "Confirmed by the customer." }), HttpStatusCode.OK);
        await Expect(shown).ToHaveAttributeAsync("data-status", "closed");
        await Expect(shown.Locator("[data-testid=case-status]")).ToContainTextAsync("Closed: Confirmed by the customer.");
        await shown.GetByLabel("How was it?").SelectOptionAsync("4");
        await shown.GetByLabel("Comment (optional)").FillAsync("Quickly sorted.");
        await shown.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Send feedback" }).ClickAsync();
        await Expect(shown.Locator("[data-testid=feedback-given]")).ToContainTextAsync("you rated this 4 of 5");

        var feedback = await HttpAssert.Json(await support.GetAsync(shopper.Base + "/feedback"), HttpStatusCode.OK);
        var given = Assert.Single(feedback.GetProperty("feedback").EnumerateArray());
        Assert.Equal((caseId, 4, "Quickly sorted."), (given.GetProperty("subjectId").GetString(), given.GetProperty("rating").GetInt32(),
            given.GetProperty("comment").GetString()));
        await WebApp.AssertNoRawCodes(page);
        Assert.Empty(device.Errors);
    }

    [Fact]
    public async Task A_payment_just_made_on_the_page_is_asked_about_once()
    {
        var shopper = await Shopper.Create(fixture.Api.ClientAs);
        var visa = await shopper.SaveMethod("tok_visa", preferred: true);
        await using var device = await fixture.SignedIn(shopper.Id);
        var page = device.Page;

        await WebApp.AddProduct(page, "beans");
        await Expect(page.Locator("#cart-pending")).ToBeHiddenAsync();
        await page.ClickAsync("#checkout-start");
        await page.CheckAsync($"#method-{visa}");
        await page.ClickAsync("#checkout-confirm");
        await Expect(page.Locator("#payment-result")).ToHaveAttributeAsync("data-status", "succeeded");
        var paymentId = (await page.Locator("#payment-result").GetAttributeAsync("data-payment-id"))!;

        var asked = page.Locator("[data-testid=payment-feedback]");
        await Expect(asked).ToContainTextAsync("How was paying today?");
        await asked.GetByLabel("How was it?").SelectOptionAsync("5");
        await asked.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Send feedback" }).ClickAsync();
        await Expect(asked.Locator("[data-testid=feedback-given]")).ToContainTextAsync("you rated this 5 of 5");

        var feedback = await shopper.Read("/feedback");
        var given = Assert.Single(feedback.GetProperty("feedback").EnumerateArray());
        Assert.Equal((paymentId, 5), (given.GetProperty("subjectId").GetString(), given.GetProperty("rating").GetInt32()));
        Assert.Equal(JsonValueKind.Null, given.GetProperty("comment").ValueKind);
        Assert.Empty(device.Errors);
    }
}
