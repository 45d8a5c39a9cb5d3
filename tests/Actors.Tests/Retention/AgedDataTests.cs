using System.ComponentModel.DataAnnotations;
using Actors.Grains.Checkouts;
using Actors.Grains.Customers;
using Actors.Grains.Payments;
using Actors.Grains.Retention;
using Actors.Grains.Sessions;
using Actors.Tests.Deciders;

namespace Actors.Tests.Retention;

public sealed class AgedDataTests
{
    private static readonly DateTimeOffset Now = Customers.Now;
    private static readonly RetentionSettings Settings = new();

    private static CustomerState SeenOn(CustomerState state, string deviceId, DateTimeOffset at) =>
        CustomerEvolution.Apply(state, new DeviceSeen(new DeviceSession(deviceId, Channels.Web, "Grace's laptop", at, at)) { At = at });

    [Fact]
    public void Nothing_is_decided_while_everything_is_within_its_retention()
    {
        var state = SeenOn(Customers.Shopper(), "laptop", Now);

        Assert.Null(AgedData.Decide(state, Settings.CutoffsAt(Now + Settings.Sessions - TimeSpan.FromMinutes(1)), Now));
    }

    [Fact]
    public void Devices_not_seen_within_the_retention_are_forgotten_and_recent_ones_kept()
    {
        var state = SeenOn(SeenOn(Customers.Shopper(), "old-laptop", Now), "phone", Now + TimeSpan.FromDays(100));
        var later = Now + Settings.Sessions + TimeSpan.FromDays(1);

        var removed = AgedData.Decide(state, Settings.CutoffsAt(later), later);

        Assert.NotNull(removed);
        var after = CustomerEvolution.Apply(state, removed);
        Assert.Equal("phone", Assert.Single(after.Sessions.Sessions).DeviceId);
    }

    [Fact]
    public void Money_events_without_personal_data_keep_every_figure()
    {
        var payment = new Payment("pay_1", "chk_1", 2_500, "EUR", 2_500, "EUR", Customers.Visa, "tok_visa", "visa", "4242",
            Channels.Web, "Gift for Ada", PaymentStatus.Succeeded, null, 500, Now, Now);
        var reserved = new PaymentReserved(payment, DateOnly.FromDateTime(Now.UtcDateTime)) { At = Now };
        var refund = new RefundRequested(new Refund("re_1", "pay_1", 500, "EUR", "Ada said it broke", Now)) { At = Now };

        var anonymous = Assert.IsType<PaymentReserved>(reserved.WithoutPersonalData());
        var anonymousRefund = Assert.IsType<RefundRequested>(refund.WithoutPersonalData());

        Assert.Equal(reserved with { Payment = payment with { Description = "" } }, anonymous);
        Assert.Equal(refund with { Refund = refund.Refund with { Reason = null } }, anonymousRefund);
    }

    [Fact]
    public void A_checkout_loses_its_description_and_country_only()
    {
        var checkout = new Checkout("chk_1", [], "EUR", 2_500, "EUR", 2_500, false, "Gift for Ada", Channels.Web, Now, Now.AddMinutes(15),
            CheckoutStatus.Succeeded, "pay_1")
        { Country = "DE" };

        Assert.Equal(checkout with { Description = "", Country = null }, AgedData.Anonymous(checkout));
    }

    [Theory]
    [InlineData("IdempotencyRecords", "12:00:00")]
    [InlineData("Sessions", "00:00:00")]
    [InlineData("Audit", "1.00:00:00")]
    public void A_retention_shorter_than_its_kind_allows_is_refused(string kind, string value)
    {
        var settings = new RetentionSettings();
        typeof(RetentionSettings).GetProperty(kind)!.SetValue(settings, TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture));

        Assert.False(Validator.TryValidateObject(settings, new ValidationContext(settings), [], validateAllProperties: true));
    }
}
