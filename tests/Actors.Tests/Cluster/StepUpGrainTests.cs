using Actors.Grains.Customers;
using Actors.Grains.Limits;
using Actors.Grains.Sessions;
using Actors.Grains.StepUp;
using Actors.Grains.Wallets;
using Actors.Tests.Infrastructure;

namespace Actors.Tests.Cluster;

/// <summary>The customer grain takes the step-up decision against its own state, whichever API node calls it.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class StepUpGrainTests(GrainClusterFixture fixture)
{
    private static readonly Caller Phone = new("phone", Channels.Mobile, null, ByCustomer: true);
    private static readonly Caller Laptop = new("laptop", Channels.Web, null, ByCustomer: true);
    private static readonly Caller Staff = new("back-office", Channels.Web, null);

    private static PaymentMethodDraft Card(string token) => new(token, "visa", "4242", 12, 2030, "DE", false);

    private static Task<T> From<T>(Caller caller, Func<Task<T>> call)
    {
        RequestContext.Set(Caller.ContextKey, caller);
        try
        {
            return call();
        }
        finally
        {
            RequestContext.Remove(Caller.ContextKey);
        }
    }

    [Fact]
    public async Task A_step_up_counts_for_its_device_only_until_it_is_stale_and_staff_need_none()
    {
        var id = CustomerId.New();
        var customer = fixture.Client.GetGrain<ICustomerGrain>(id);
        await customer.Create(SampleProfiles.Ada());
        Assert.Equal(new WalletResult.StepUpRequired(StepUpMethods.Code), await From(Phone, () => customer.AddPaymentMethod(Card("tok_visa"))));

        var challenge = await From(Phone, () => customer.ChallengeStepUp());
        Assert.Equal(StepUpMethods.Code, Assert.IsType<AccountStepUpResult.Challenged>(challenge).Method);
        var code = (await fixture.Client.GetGrain<IDevOutboxGrain>(id).Messages())[0].Code;
        Assert.IsType<AccountStepUpResult.Verified>(await From(Phone, () => customer.VerifyStepUp(code)));

        Assert.IsType<WalletResult.Saved>(await From(Phone, () => customer.AddPaymentMethod(Card("tok_visa"))));
        Assert.Equal(new WalletResult.StepUpRequired(StepUpMethods.Code), await From(Laptop, () => customer.AddPaymentMethod(Card("tok_mastercard"))));
        Assert.IsType<WalletResult.Saved>(await From(Staff, () => customer.AddPaymentMethod(Card("tok_mastercard"))));

        // Once the step-up is stale, a new cap (stricter) is still free, and raising it is not.
        fixture.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.IsType<LimitsResult.Current>(await From(Phone, () => customer.SetLimits(new CapRequest(1_000, null, null))));
        Assert.Equal(new LimitsResult.StepUpRequired(StepUpMethods.Code), await From(Phone, () => customer.SetLimits(new CapRequest(2_000, null, null))));
    }
}
