using Actors.Grains.Customers;

namespace Actors.Grains.Personalization;

/// <summary>The purposes a customer has granted. Every purpose is denied by default (opt-in).</summary>
public static class ConsentGate
{
    public static ConsentedPurposes Purposes(CustomerState state) => default;
}
