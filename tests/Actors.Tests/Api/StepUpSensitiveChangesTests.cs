using System.Net;
using System.Net.Http.Json;
using Actors.Tests.Infrastructure;
using OtpNet;
using static Actors.Tests.Infrastructure.HttpAssert;

namespace Actors.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class StepUpSensitiveChangesTests(ApiFixture fixture)
{
    private static readonly object NewCard = new { token = "tok_mastercard", brand = "mastercard", last4 = "4444", expiryMonth = 12, expiryYear = 2030, billingCountry = "DE" };

    /// <summary>A customer whose device has not stepped up, with a daily cap of 5,000 set by an operator.</summary>
    private async Task<Shopper> Customer()
    {
        var shopper = await Shopper.Create(fixture.ClientAs, stepUp: false);
        await shopper.As(shopper.Merchant).SetLimits(daily: 5_000);
        return shopper;
    }

    /// <summary>Another device of the same customer.</summary>
    private async Task<HttpClient> OtherDevice(Shopper shopper)
    {
        var laptop = await fixture.ClientAs("customer", shopper.Id);
        laptop.DefaultRequestHeaders.Remove("X-Device-Id");
        laptop.DefaultRequestHeaders.Add("X-Device-Id", "laptop-2");
        return laptop;
    }

    /// <summary>Asserts the refusal of a sensitive change; the method it says to step up with.</summary>
    private static async Task<string> StepUpRequired(HttpResponseMessage response) =>
        (await Problem(response, HttpStatusCode.Forbidden, "/errors/step-up-required")).GetProperty("method").GetString()!;

    private static Task<HttpResponseMessage> PatchProfile(HttpClient client, string id, string json, long version) =>
        client.SendAsync(Requests.MergePatch($"/v1/customers/{id}", json, version));

    [Fact]
    public async Task Raising_or_removing_a_cap_needs_a_step_up_and_nothing_is_stored_without_one()
    {
        var shopper = await Customer();

        var raise = await shopper.Client.PutAsJsonAsync($"{shopper.Base}/limits", new { daily = 9_000 });
        var remove = await shopper.Client.PutAsJsonAsync($"{shopper.Base}/limits", new { });

        Assert.Equal("code", await StepUpRequired(raise));
        await StepUpRequired(remove);
        var limits = await shopper.Read("/limits");
        Assert.Equal(5_000, limits.GetProperty("daily").GetInt64());
        Assert.Empty(limits.GetProperty("pending").EnumerateArray());

        await shopper.StepUp();
        var raised = await Json(await shopper.Client.PutAsJsonAsync($"{shopper.Base}/limits", new { daily = 9_000 }), HttpStatusCode.OK);
        Assert.Equal(5_000, raised.GetProperty("daily").GetInt64());
        Assert.Equal(9_000, raised.GetProperty("pending")[0].GetProperty("amount").GetInt64());
    }

    [Fact]
    public async Task Lowering_a_cap_and_renaming_need_no_step_up()
    {
        var shopper = await Customer();

        var lowered = await Json(await shopper.Client.PutAsJsonAsync($"{shopper.Base}/limits", new { daily = 3_000 }), HttpStatusCode.OK);
        var renamed = await Json(await PatchProfile(shopper.Client, shopper.Id, """{"displayName":"Grace Murray Hopper"}""", 1), HttpStatusCode.OK);

        Assert.Equal(3_000, lowered.GetProperty("daily").GetInt64());
        Assert.Equal("Grace Murray Hopper", renamed.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task Adding_a_payment_method_needs_a_step_up_and_nothing_is_saved_without_one()
    {
        var shopper = await Customer();

        await StepUpRequired(await shopper.Client.PostAsJsonAsync($"{shopper.Base}/payment-methods", NewCard));

        Assert.Empty((await shopper.Read("/payment-methods")).EnumerateArray());
        await shopper.StepUp();
        await Json(await shopper.Client.PostAsJsonAsync($"{shopper.Base}/payment-methods", NewCard), HttpStatusCode.Created);
        Assert.Equal("4444", Assert.Single((await shopper.Read("/payment-methods")).EnumerateArray()).GetProperty("last4").GetString());
    }

    [Fact]
    public async Task Changing_email_or_phone_needs_a_step_up_and_the_profile_is_unchanged_without_one()
    {
        var shopper = await Customer();
        var email = (await shopper.Read("")).GetProperty("email").GetString();

        await StepUpRequired(await PatchProfile(shopper.Client, shopper.Id, """{"email":"grace.new@example.com"}""", 1));
        await StepUpRequired(await PatchProfile(shopper.Client, shopper.Id, """{"phone":"+4915100000001"}""", 1));

        var profile = await shopper.Read("");
        Assert.Equal(email, profile.GetProperty("email").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, profile.GetProperty("phone").ValueKind);
        Assert.Equal(1, profile.GetProperty("version").GetInt64());
        await shopper.StepUp();
        var changed = await Json(await PatchProfile(shopper.Client, shopper.Id, $$"""{"email":"grace.{{shopper.Id}}@example.com"}""", 1), HttpStatusCode.OK);
        Assert.Equal($"grace.{shopper.Id}@example.com", changed.GetProperty("email").GetString());
    }

    [Fact]
    public async Task Another_devices_step_up_does_not_count()
    {
        var shopper = await Customer();
        await shopper.StepUp();
        var laptop = await OtherDevice(shopper);

        await StepUpRequired(await laptop.PostAsJsonAsync($"{shopper.Base}/payment-methods", NewCard));

        Assert.Empty((await shopper.Read("/payment-methods")).EnumerateArray());
    }

    [Fact]
    public async Task An_operator_needs_no_step_up()
    {
        var shopper = await Customer();
        var staff = shopper.As(shopper.Merchant);

        await staff.SetLimits(daily: 50_000);
        await staff.SaveMethod("tok_visa");
        await Json(await PatchProfile(shopper.Merchant, shopper.Id, $$"""{"email":"grace.op.{{shopper.Id}}@example.com"}""", 1), HttpStatusCode.OK);

        Assert.Equal(50_000, (await shopper.Read("/limits")).GetProperty("pending")[0].GetProperty("amount").GetInt64());
    }

    [Fact]
    public async Task An_authenticator_app_is_enrolled_confirmed_and_then_steps_up_any_device()
    {
        var shopper = await Customer();
        await StepUpRequired(await shopper.Client.PostAsync($"{shopper.Base}/step-up/totp", null));
        await shopper.StepUp();

        var enrolment = await Json(await shopper.Client.PostAsync($"{shopper.Base}/step-up/totp", null), HttpStatusCode.OK);
        var secret = enrolment.GetProperty("secret").GetString()!;
        Assert.StartsWith("otpauth://totp/", enrolment.GetProperty("otpauthUri").GetString());
        var totp = new Totp(Base32Encoding.ToBytes(secret));
        await Problem(await shopper.Client.PostAsJsonAsync($"{shopper.Base}/step-up/totp/confirm", new { code = "000000" == totp.ComputeTotp() ? "111111" : "000000" }),
            HttpStatusCode.UnprocessableEntity, "/errors/step-up-code-wrong");
        var confirmed = await Json(await shopper.Client.PostAsJsonAsync($"{shopper.Base}/step-up/totp/confirm", new { code = totp.ComputeTotp() }), HttpStatusCode.OK);
        Assert.Equal("totp", confirmed.GetProperty("method").GetString());

        var laptop = await OtherDevice(shopper);
        Assert.Equal("totp", await StepUpRequired(await laptop.PostAsJsonAsync($"{shopper.Base}/payment-methods", NewCard)));
        var challenge = await Json(await laptop.PostAsync($"{shopper.Base}/step-up/challenge", null), HttpStatusCode.OK);
        Assert.Equal("totp", challenge.GetProperty("method").GetString());
        // A later step than the one confirmed: a code is never accepted twice.
        var next = totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30));
        await Json(await laptop.PostAsJsonAsync($"{shopper.Base}/step-up", new { code = next }), HttpStatusCode.OK);
        await Problem(await shopper.Client.PostAsJsonAsync($"{shopper.Base}/step-up", new { code = next }), HttpStatusCode.UnprocessableEntity, "/errors/step-up-code-wrong");

        await Json(await laptop.PostAsJsonAsync($"{shopper.Base}/payment-methods", NewCard), HttpStatusCode.Created);
    }

    [Fact]
    public async Task Five_wrong_codes_lock_step_up_with_retry_after_and_even_the_right_code_waits()
    {
        var shopper = await Customer();
        await Json(await shopper.Client.PostAsync($"{shopper.Base}/step-up/challenge", null), HttpStatusCode.OK);
        var code = await StepUps.LatestCode(shopper.Client, shopper.Id);
        var wrong = code == "000000" ? "111111" : "000000";

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await Problem(await shopper.Client.PostAsJsonAsync($"{shopper.Base}/step-up", new { code = wrong }), HttpStatusCode.UnprocessableEntity, "/errors/step-up-code-wrong");
        }
        var fifth = await shopper.Client.PostAsJsonAsync($"{shopper.Base}/step-up", new { code = wrong });

        var problem = await Problem(fifth, HttpStatusCode.TooManyRequests, "/errors/account-step-up-locked");
        Assert.True(problem.GetProperty("until").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(14));
        Assert.NotNull(fifth.Headers.RetryAfter?.Date);
        var right = await shopper.Client.PostAsJsonAsync($"{shopper.Base}/step-up", new { code });
        await Problem(right, HttpStatusCode.TooManyRequests, "/errors/account-step-up-locked");
        await StepUpRequired(await shopper.Client.PostAsJsonAsync($"{shopper.Base}/payment-methods", NewCard));
    }

    [Fact]
    public async Task A_challenge_answers_the_code_method_with_its_expiry_and_the_outbox_holds_the_code()
    {
        var shopper = await Customer();

        var challenge = await Json(await shopper.Client.PostAsync($"{shopper.Base}/step-up/challenge", null), HttpStatusCode.OK);

        Assert.Equal("code", challenge.GetProperty("method").GetString());
        var expiresAt = challenge.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
        var outbox = await Json(await shopper.Client.GetAsync($"/v1/dev/outbox/{shopper.Id}"), HttpStatusCode.OK);
        Assert.Matches("^[0-9]{6}$", outbox[0].GetProperty("code").GetString()!);
        var other = await Shopper.Create(fixture.ClientAs, stepUp: false);
        await Problem(await other.Client.GetAsync($"/v1/dev/outbox/{shopper.Id}"), HttpStatusCode.NotFound, "/errors/customer-not-found");
    }
}
