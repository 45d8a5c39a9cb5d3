namespace Actors.Grains.Erasure;

/// <summary>The outcome of asking for a customer's erasure: errors a caller can cause are values.</summary>
[GenerateSerializer, Immutable, Alias("erasure-result")]
public abstract record ErasureResult
{
    /// <summary>Every step is done: nothing of the customer can be read any more. Asked again, the answer is the same.</summary>
    [GenerateSerializer, Immutable, Alias("erasure-result-erased")]
    public sealed record Erased : ErasureResult;

    /// <summary>Started, and a step could not finish yet (e.g. the database was unreachable); the <c>erasure</c> reminder finishes it.</summary>
    [GenerateSerializer, Immutable, Alias("erasure-result-erasing")]
    public sealed record Erasing : ErasureResult;

    /// <summary>Not started: something open must end first (<see cref="Reason"/>, e.g. <c>payment-open</c>); nothing was changed.</summary>
    [GenerateSerializer, Immutable, Alias("erasure-result-blocked")]
    public sealed record Blocked([property: Id(0)] string Reason, [property: Id(1)] string Detail) : ErasureResult;

    /// <summary>The customer asked without a fresh step-up from this device (<see cref="Method"/>: how they step up); nothing was changed.</summary>
    [GenerateSerializer, Immutable, Alias("erasure-result-step-up-required")]
    public sealed record StepUpRequired([property: Id(0)] string Method) : ErasureResult;

    [GenerateSerializer, Immutable, Alias("erasure-result-not-found")]
    public sealed record NotFound : ErasureResult;
}
