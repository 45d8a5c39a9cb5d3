using Actors.Grains.Idempotency;
using Actors.Grains.Payments;

namespace Actors.Tests.Commerce;

public sealed class IdempotencyBookTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly StoredAnswer Answer = new StoredAnswer.Outcome(new MoneyResult.SelfExcluded(Now.AddDays(3)));

    [Fact]
    public void A_retry_within_24_hours_gets_the_stored_answer()
    {
        var book = IdempotencyBook.Empty.Remember("key-1", "body-a", Answer, Now);

        Assert.Same(Answer, book.Lookup(new("key-1", "body-a"), Now.AddHours(23)));
    }

    [Fact]
    public void The_same_key_with_another_request_is_a_mismatch()
    {
        var book = IdempotencyBook.Empty.Remember("key-1", "body-a", Answer, Now);

        var mismatch = Assert.IsType<StoredAnswer.Outcome>(book.Lookup(new("key-1", "body-b"), Now));
        Assert.IsType<MoneyResult.IdempotencyMismatch>(mismatch.Result);
    }

    [Fact]
    public void Keys_expire_after_24_hours_and_are_forgotten_on_the_next_write()
    {
        var book = IdempotencyBook.Empty.Remember("key-1", "body-a", Answer, Now);

        Assert.Null(book.Lookup(new("key-1", "body-b"), Now + IdempotencyBook.Retention));
        var later = book.Remember("key-2", "body", Answer, Now + IdempotencyBook.Retention);
        Assert.Equal(["key-2"], later.Records.Keys);
        Assert.Equal(["key-2"], later.Order);
    }

    [Fact]
    public void An_expired_key_used_again_is_remembered_afresh_once()
    {
        var book = IdempotencyBook.Empty.Remember("key-1", "body-a", Answer, Now).Remember("key-2", "body", Answer, Now.AddHours(1));

        var again = book.Remember("key-1", "body-b", Answer, Now.AddHours(24.5));

        Assert.Equal(["key-2", "key-1"], again.Order);
        Assert.Same(Answer, again.Lookup(new("key-1", "body-b"), Now.AddHours(25)));
    }

    [Fact]
    public void The_book_is_bounded_and_forgets_the_oldest_first()
    {
        var book = IdempotencyBook.Empty;
        for (var i = 0; i <= IdempotencyBook.MaxRecords; i++)
        {
            book = book.Remember($"key-{i}", "body", Answer, Now.AddSeconds(i));
        }

        Assert.Equal(IdempotencyBook.MaxRecords, book.Records.Count);
        Assert.Equal(IdempotencyBook.MaxRecords, book.Order.Count);
        Assert.Null(book.Lookup(new("key-0", "body"), Now.AddHours(1)));
        Assert.NotNull(book.Lookup(new($"key-{IdempotencyBook.MaxRecords}", "body"), Now.AddHours(1)));
    }

    [Fact]
    public void Answers_that_show_a_checkout_payment_or_refund_are_kept_as_where_to_rebuild_them()
    {
        var payment = new Payment("pay_1", "chk_1", 1_000, "EUR", 1_000, "EUR", "pm_1", "tok_visa", "visa", "4242", "web", "Mug",
            PaymentStatus.Succeeded, null, 0, Now, Now);
        var refund = new Refund("re_1", "pay_1", 400, "EUR", null, Now);
        var refused = new MoneyResult.CapExceeded(Grains.Limits.CapWindow.Daily, 5_000, 300, "EUR", Now.AddHours(3));

        Assert.Equal(new StoredAnswer.Payment("pay_1", 12), StoredAnswer.For(new MoneyResult.PaymentResult(payment), upTo: 12, firstSequence: 11));
        Assert.Equal(new StoredAnswer.Refund("re_1", "pay_1", 12), StoredAnswer.For(new MoneyResult.Refunded(refund, payment), upTo: 12, firstSequence: 12));
        Assert.Equal(new StoredAnswer.Outcome(refused), StoredAnswer.For(refused, upTo: 7, firstSequence: 8));
    }
}
