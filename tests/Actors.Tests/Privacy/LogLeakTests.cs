using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Actors.Grains.Identity;
using Actors.Grains.Profiles;
using Actors.Silo.Payments;
using Actors.Tests.Authorization;
using Actors.Tests.Fuzz;
using Actors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OtpNet;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Privacy;

/// <summary>
/// A silo and an API node logging everything at Debug, driven through every endpoint by a whole customer journey, the
/// authorization matrix and hostile requests: no log line of either holds a customer's personal data, a token, a
/// card number or a secret.
/// </summary>
public sealed class LogLeakTests
{
    [Fact]
    public async Task No_log_line_of_the_silo_or_the_api_holds_personal_data_tokens_or_card_data()
    {
        var logs = new CapturedLogs();
        var leaks = await DriveEveryEndpoint(logs);
        Assert.True(leaks.Count == 0, "Logged in the clear:\n" + string.Join("\n", leaks));
        // Requests are still logged, by the route they matched.
        Assert.Contains(logs.Lines, line => line.Contains("GET /v1/identities/{kind}/{value} answered 200", StringComparison.Ordinal));
    }

    [Fact]
    public void A_value_planted_in_a_log_line_is_found()
    {
        var logs = new CapturedLogs();
        var needles = new Needles(["quoxworth.planted@example.org"], ["4711"], ["482913"]);
        Assert.Empty(needles.FoundIn(logs));

        logs.Add("Information Actors.Api[0] Created customer quoxworth.planted@example.org");
        logs.Add("Debug Actors.Api[0] Saved visa card last4=4711");
        logs.Add("Debug Actors.Api[0] Step-up with code 482913");
        logs.Add("Debug Actors.Api[0] Request took 482913 ticks, port 4711");

        Assert.Equal(3, needles.FoundIn(logs).Count);
    }

    private static async Task<IReadOnlyList<string>> DriveEveryEndpoint(CapturedLogs logs)
    {
        await using var stack = await OwnStack.Start("logs", CapturedLogs.DebugSettings,
            siloServices: services => services.AddSingleton<ILoggerProvider>(logs),
            apiServices: services => services.AddSingleton<ILoggerProvider>(logs),
            apiSettings: CapturedLogs.DebugSettings);
        var api = stack.Api;
        var secrets = new List<string>();
        var contexted = new List<string>();
        var codes = new List<string>();
        var clients = new List<HttpClient>();
        async Task<HttpClient> ClientAs(string role, string? customerId = null, bool utf8Headers = false)
        {
            var client = await ApiFixture.ClientAs(api, role, customerId, utf8Headers);
            secrets.Add(client.DefaultRequestHeaders.Authorization!.Parameter!);
            clients.Add(client);
            return client;
        }

        var operatorClient = await ClientAs("operator");
        var support = await ClientAs("support");

        // The journey: every personal value distinctive, so any line that holds one is a leak, not a coincidence.
        var (journeyId, journeyValues) = await CreateDistinctive(operatorClient);
        secrets.AddRange(journeyValues);
        var shopper = new Shopper(await ClientAs("customer", journeyId), journeyId, operatorClient);
        await shopper.StepUp();
        codes.Add(await StepUps.LatestCode(shopper.Client, journeyId));

        var loyaltyCard = IdentityRules.LoyaltyCardWithCheckDigit("7" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString());
        secrets.Add(loyaltyCard);
        await Json(await shopper.Client.PostAsJsonAsync($"{shopper.Base}/identities", new { kind = "card", value = loyaltyCard }), HttpStatusCode.Created);
        await Json(await operatorClient.GetAsync($"/v1/identities/card/{loyaltyCard}"), HttpStatusCode.OK);
        await Json(await support.GetAsync($"/v1/identities/email/{Uri.EscapeDataString(journeyValues[1])}"), HttpStatusCode.OK);

        var enrolment = await Json(await shopper.Client.PostAsync($"{shopper.Base}/step-up/totp", null), HttpStatusCode.OK);
        var totpSecret = enrolment.GetProperty("secret").GetString()!;
        secrets.Add(totpSecret);
        var totpCode = new Totp(Base32Encoding.ToBytes(totpSecret)).ComputeTotp();
        codes.Add(totpCode);
        await Json(await shopper.Client.PostAsJsonAsync($"{shopper.Base}/step-up/totp/confirm", new { code = totpCode }), HttpStatusCode.OK);

        var last4 = Random.Shared.Next(1000, 9999).ToString();
        contexted.Add(last4);
        var method = await shopper.SaveMethod(SandboxTokens.Visa, preferred: true, last4: last4);
        var unusedToken = "tok_" + Guid.NewGuid().ToString("N")[..16];
        secrets.Add(unusedToken);
        await shopper.SaveMethod(unusedToken, last4: last4);

        await shopper.SetConsent("marketing", granted: true);
        var paymentId = await shopper.Pay(method, 2_500);
        await Json(await shopper.As(operatorClient).Refund(paymentId, """{"amount":1000,"reason":"damaged"}"""), HttpStatusCode.Created);
        await shopper.SetConsent("marketing", granted: false);
        Assert.True((await shopper.Client.GetAsync($"{shopper.Base}/export")).IsSuccessStatusCode);
        Assert.True((await support.GetAsync($"{shopper.Base}/timeline")).IsSuccessStatusCode);
        Assert.True((await support.GetAsync($"{shopper.Base}/payments/{paymentId}/context")).IsSuccessStatusCode);
        Assert.True((await shopper.Client.DeleteAsync(shopper.Base)).IsSuccessStatusCode);

        // Hostile requests, carrying raw card numbers and a bearer token, at every route, against a customer of its own.
        var (targetId, targetValues) = await CreateDistinctive(operatorClient);
        secrets.AddRange(targetValues);
        var target = await ClientAs("customer", targetId, utf8Headers: true);
        var hostile = new HostileRequests(Random.Shared.Next(), new Dictionary<string, string[]> { ["customerId"] = [targetId], ["sku"] = ["sku-1"] });
        foreach (var (routeMethod, route, _) in AuthorizationMatrixTests.Matrix.Where(cell => cell.Route != "/v1/customers/{customerId}" || cell.Method != "DELETE"))
        {
            for (var i = 0; i < 3; i++)
            {
                using var request = hostile.Next((routeMethod, route));
                try
                {
                    (await target.SendAsync(request)).Dispose();
                }
                catch (Exception exception) when (exception is HttpRequestException or FormatException or InvalidOperationException)
                {
                    // The client itself refused to send it; what the server saw, if anything, is still in the logs.
                }
            }
        }
        // A token that is not the API's, and a card number presented as a bearer token.
        var forged = secrets[0][..^8] + "AAAAAAAA";
        secrets.Add(forged);
        foreach (var bearer in new[] { forged, HostileRequests.CardNumbers[0] })
        {
            using var anonymous = api.CreateClient();
            anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            (await anonymous.GetAsync($"/v1/customers/{targetId}")).Dispose();
        }

        // Every route as every role, the matrix's own requests; the last erases the target.
        var callers = new[] { operatorClient, support, target, await ClientAs("pos"), api.CreateClient() };
        foreach (var (routeMethod, route, _) in AuthorizationMatrixTests.Matrix)
        {
            foreach (var caller in callers)
            {
                using var request = AuthorizationMatrixTests.Request(routeMethod, route, targetId, siloAddress: "none");
                (await caller.SendAsync(request)).Dispose();
            }
        }

        secrets.AddRange(HostileRequests.CardNumbers);
        secrets.AddRange(HostileRequests.CardNumbers.Select(number => string.Join(" ", number.Chunk(4).Select(chunk => new string(chunk)))));
        Assert.NotEmpty(logs.Lines);
        Assert.Contains(logs.Lines, line => line.StartsWith("Debug Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, line => line.StartsWith("Debug Orleans", StringComparison.Ordinal));
        return new Needles(secrets, contexted, codes).FoundIn(logs);
    }

    /// <summary>A customer with a name, email and phone found nowhere else; the id and those three (the phone twice: with and without its plus).</summary>
    private static async Task<(string Id, string[] Values)> CreateDistinctive(HttpClient operatorClient)
    {
        var unique = Guid.NewGuid().ToString("N")[..10];
        var profile = new ProfileDraft($"Zanzibar Quoxworth {unique}", $"quoxworth.{unique}@example.org",
            $"+4477{Random.Shared.Next(100_000, 999_999)}58", "en-GB", "EUR", "Europe/Berlin");
        var id = await ApiCustomers.Create(operatorClient, profile);
        return (id, [profile.DisplayName!, profile.Email!, profile.Phone!, profile.Phone![1..], unique]);
    }

    /// <summary>
    /// What no line may hold: <paramref name="anywhere"/> anywhere (case-insensitively); <paramref name="cardEndings"/>
    /// as a card's last four (after <c>last4</c>, a brand or a mask); <paramref name="codes"/> as a code (a whole number
    /// after <c>code</c> or quoted), since a bare six-digit number may be a timing.
    /// </summary>
    private sealed class Needles(IReadOnlyList<string> anywhere, IReadOnlyList<string> cardEndings, IReadOnlyList<string> codes)
    {
        public IReadOnlyList<string> FoundIn(CapturedLogs logs)
        {
            var patterns = cardEndings.Select(ending => (ending, new Regex($@"(last\W?4|visa|mastercard|ending|\*{{2,}}|•+)\W{{0,12}}{ending}\b", RegexOptions.IgnoreCase)))
                .Concat(codes.Select(code => (code, new Regex($@"(code\W{{0,20}}{code}\b)|(""{code}"")", RegexOptions.IgnoreCase))))
                .ToList();
            var found = new List<string>();
            foreach (var line in logs.Lines)
            {
                foreach (var needle in anywhere.Where(needle => line.Contains(needle, StringComparison.OrdinalIgnoreCase)))
                {
                    found.Add($"{needle} in: {Shortened(line)}");
                }
                foreach (var (needle, pattern) in patterns.Where(pattern => pattern.Item2.IsMatch(line)))
                {
                    found.Add($"{needle} in: {Shortened(line)}");
                }
            }
            return found;
        }

        private static string Shortened(string line) => line.Length <= 600 ? line : line[..600] + "…";
    }
}
