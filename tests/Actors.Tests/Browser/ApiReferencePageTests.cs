using Actors.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Actors.Tests.Browser;

/// <summary>The browsable API reference of a local start, in headless Chromium under the API's security headers.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ApiReferencePageTests(BrowserFixture browser, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task The_reference_page_runs_under_the_content_security_policy_and_lists_the_operations_of_the_document()
    {
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = browser.BaseAddress });
        var page = await context.NewPageAsync();
        var refused = new List<string>();
        page.Console += (_, message) =>
        {
            output.WriteLine($"console {message.Type}: {message.Text}");
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                refused.Add(message.Text);
            }
        };
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.RequestFailed += (_, request) => output.WriteLine($"failed {request.Url}: {request.Failure}");
        page.Response += (_, answer) => output.WriteLine($"{answer.Status} {answer.Url}");

        // The page fetches the document from this node once its scripts (nonced under the page's CSP) have run.
        var fetched = page.WaitForResponseAsync(answer => answer.Url.EndsWith("/openapi/v1.json", StringComparison.Ordinal));
        var response = await page.GotoAsync("/reference");

        Assert.Equal(200, response!.Status);
        Assert.Equal(200, (await fetched).Status);
        await Expect(page.GetByRole(AriaRole.Complementary)).ToBeVisibleAsync();
        // A reader browses it: the API's title, its groups in the sidebar, and a group's operations by their summaries.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Actors customer state API" })).ToBeVisibleAsync();
        var sidebar = page.GetByRole(AriaRole.Complementary);
        await Expect(sidebar.GetByText("Checkout", new() { Exact = true })).ToBeVisibleAsync();
        await sidebar.GetByText("Checkout", new() { Exact = true }).ClickAsync();
        await Expect(page.GetByText("Create a checkout (step 1): nothing is charged.").First).ToBeVisibleAsync();
        Assert.Empty(refused);
        Assert.Empty(errors);
    }
}
