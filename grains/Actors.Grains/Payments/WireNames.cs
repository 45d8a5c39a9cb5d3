using Actors.Grains.Checkouts;
using Actors.Grains.Limits;

namespace Actors.Grains.Payments;

/// <summary>Wire names of states, spelled out once so replays render exactly the same bytes.</summary>
public static class WireNames
{
    public static string Of(CheckoutStatus status) => status switch
    {
        CheckoutStatus.RequiresConfirmation => "requires_confirmation",
        CheckoutStatus.Processing => "processing",
        CheckoutStatus.RequiresAction => "requires_action",
        CheckoutStatus.Succeeded => "succeeded",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static string Of(PaymentStatus status) => status switch
    {
        PaymentStatus.Processing => "processing",
        PaymentStatus.RequiresAction => "requires_action",
        PaymentStatus.Succeeded => "succeeded",
        PaymentStatus.Declined => "declined",
        PaymentStatus.Released => "released",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static string Of(CapWindow window) => window switch
    {
        CapWindow.Daily => "daily",
        CapWindow.Weekly => "weekly",
        CapWindow.Monthly => "monthly",
        _ => throw new ArgumentOutOfRangeException(nameof(window)),
    };
}
