namespace Actors.Peers.Checkouts;

/// <summary>What a device sends, as on the platform: a SKU and a quantity; the price is the catalog's.</summary>
public sealed record CheckoutLineRequest(string? Sku, int Quantity);

public sealed record CheckoutRequest(CheckoutLineRequest[]? Lines, string? Description);

public sealed record ConfirmRequest(string? PaymentMethodId, string? StepUpCode);

public sealed record CheckoutLineView(string Sku, string Name, long UnitPrice, int Quantity, long Amount);

public sealed record PaymentMethodView(string Id, string Brand, string Last4, int ExpiryMonth, int ExpiryYear, string BillingCountry, bool Preferred);

/// <summary>Room left under the peer's one cap; the platform's caps have windows, this one counts all time.</summary>
public sealed record HeadroomView(string Window, long Cap, long Spent, long Remaining, string Currency);

/// <summary>The platform's checkout answer, member for member where the peer has the same data.</summary>
public sealed record CheckoutView(
    string Id,
    string Status,
    string Currency,
    long Total,
    string CapCurrency,
    long ConvertedTotal,
    string Description,
    bool FromCart,
    CheckoutLineView[] Lines,
    PaymentMethodView[] PaymentMethods,
    HeadroomView[] Headroom,
    string? PaymentId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt);

public sealed record PaymentMethodSummary(string Id, string Brand, string Last4);

/// <summary>The platform's payment answer, member for member.</summary>
public sealed record PaymentView(
    string Id,
    string CheckoutId,
    string Status,
    long Amount,
    string Currency,
    long ConvertedAmount,
    string CapCurrency,
    long RefundedAmount,
    PaymentMethodSummary PaymentMethod,
    string? DeclineReason,
    object? NextAction,
    string Channel,
    string Description,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
