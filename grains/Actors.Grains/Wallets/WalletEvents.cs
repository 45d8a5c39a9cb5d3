using Actors.Grains.Journal;

namespace Actors.Grains.Wallets;

/// <summary>A method was saved; <see cref="Preferred"/> makes it the one offered first.</summary>
[GenerateSerializer, Immutable, Alias("payment-method-added-v1")]
public sealed record PaymentMethodAdded([property: Id(0)] PaymentMethod Method, [property: Id(1)] bool Preferred) : JournalEvent;

[GenerateSerializer, Immutable, Alias("payment-method-removed-v1")]
public sealed record PaymentMethodRemoved([property: Id(0)] string PaymentMethodId) : JournalEvent;

/// <summary>The customer chose this saved method as the one offered first.</summary>
[GenerateSerializer, Immutable, Alias("payment-method-preferred-v1")]
public sealed record PaymentMethodPreferred([property: Id(0)] string PaymentMethodId) : JournalEvent;
