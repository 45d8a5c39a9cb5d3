using Actors.Grains.StepUp;

namespace Actors.Grains.Customers;

/// <summary>The customer's own step-up before sensitive changes: an authenticator app, or a one-time code sent to them.</summary>
public sealed partial class CustomerGrain
{
    /// <summary>
    /// What a sensitive change by the current caller needs now (see <see cref="StepUpRules.Standing"/>). Every
    /// sensitive decision asks this against the state it decides on, so two API nodes never disagree.
    /// </summary>
    private StepUpStanding StepUpStanding() =>
        StepUpRules.Standing(state, RequestContext.Get(Sessions.Caller.ContextKey) as Sessions.Caller, clock.GetUtcNow(), stepUpSettings.Value.FreshFor);

    public async Task<AccountStepUpResult> StartTotpEnrolment(CancellationToken cancellationToken)
    {
        var decision = AccountStepUpDecider.StartTotp(state, StepUpRules.NewTotpSecret(), StepUpStanding(), clock.GetUtcNow());
        await Commit(decision.Events);
        return decision.Answer;
    }

    public async Task<AccountStepUpResult> ConfirmTotpEnrolment(string code, CancellationToken cancellationToken)
    {
        var decision = AccountStepUpDecider.ConfirmTotp(state, CallingDevice(), code, clock.GetUtcNow(), stepUpSettings.Value.FreshFor);
        await Commit(decision.Events);
        return Counted(decision.Answer);
    }

    public async Task<AccountStepUpResult> ChallengeStepUp(CancellationToken cancellationToken)
    {
        var code = StepUpRules.NewCode();
        var decision = AccountStepUpDecider.Challenge(state, CallingDevice(), code, clock.GetUtcNow());
        await Commit(decision.Events);
        // Sent only once the code it matches is durable, so a code that arrives always works.
        if (decision.Answer is AccountStepUpResult.Challenged { Method: StepUpMethods.Code, ExpiresAt: { } expiresAt })
        {
            await stepUpCodes.Send(CustomerId, code, expiresAt, cancellationToken);
        }
        return Counted(decision.Answer);
    }

    public async Task<AccountStepUpResult> VerifyStepUp(string code, CancellationToken cancellationToken)
    {
        var decision = AccountStepUpDecider.Verify(state, CallingDevice(), code, clock.GetUtcNow(), stepUpSettings.Value.FreshFor);
        await Commit(decision.Events);
        return Counted(decision.Answer);
    }

    /// <summary>A lock-out is journaled nowhere (the wrong codes are), so it is counted from the answer.</summary>
    private AccountStepUpResult Counted(AccountStepUpResult answer)
    {
        if (answer is AccountStepUpResult.Locked)
        {
            metrics.StepUpLocked("account");
        }
        return answer;
    }

    /// <summary>The device a step-up belongs to; the API always names one.</summary>
    private static string CallingDevice() => CallerDevice() ?? "";
}
