using Actors.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Actors.Tests.Browser;

/// <summary>The browsable API reference of a local start, in headless Chromium under the API's security headers.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ApiReferencePageTests(BrowserFixture browser, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task The_reference_page_shows_the_operations_of_the_document_under_the_content_security_policy()
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

        var response = await page.GotoAsync("/reference");

        Assert.Equal(200, response!.Status);
        var document = await page.EvaluateAsync<string>("fetch('/openapi/v1.json').then(r => r.text())");
        output.WriteLine(document.Length > 3000 ? document[..3000] : document);
        await Expect(page.GetByText("Create a checkout (step 1): nothing is charged.").First).ToBeVisibleAsync();
        await Expect(page.GetByText("Confirm a checkout (step 2)", new() { Exact = false }).First).ToBeVisibleAsync();
        Assert.Empty(refused);
        Assert.Empty(errors);
    }
}
