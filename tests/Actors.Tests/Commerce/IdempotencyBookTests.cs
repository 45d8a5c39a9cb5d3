using Actors.Grains.Idempotency;
using Actors.Grains.Payments;

namespace Actors.Tests.Commerce;

public sealed class IdempotencyBookTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly MoneyResult Answer = new MoneyResult.SelfExcluded(Now.AddDays(3));

    [Fact]
    public void A_retry_within_24_hours_gets_the_stored_answer()
    {
        var book = IdempotencyBook.Empty.Remember(new("key-1", "body-a"), Answer, Now);

        Assert.Same(Answer, book.Lookup(new("key-1", "body-a"), Now.AddHours(23)));
    }

    [Fact]
    public void The_same_key_with_another_request_is_a_mismatch()
    {
        var book = IdempotencyBook.Empty.Remember(new("key-1", "body-a"), Answer, Now);

        Assert.IsType<MoneyResult.IdempotencyMismatch>(book.Lookup(new("key-1", "body-b"), Now));
    }

    [Fact]
    public void Keys_expire_after_24_hours_and_are_forgotten_on_the_next_write()
    {
        var book = IdempotencyBook.Empty.Remember(new("key-1", "body-a"), Answer, Now);

        Assert.Null(book.Lookup(new("key-1", "body-b"), Now + IdempotencyBook.Retention));
        var later = book.Remember(new("key-2", "body"), Answer, Now + IdempotencyBook.Retention);
        Assert.Equal(["key-2"], later.Records.Keys);
    }

    [Fact]
    public void Requests_refused_before_they_ran_are_not_remembered()
    {
        var invalid = new MoneyResult.Invalid(new Dictionary<string, string[]> { ["amount"] = ["bad"] });

        var book = IdempotencyBook.Empty.Remember(new("key-1", "body-a"), invalid, Now);

        Assert.Null(book.Lookup(new("key-1", "body-a"), Now));
    }

    [Fact]
    public void The_book_is_bounded_and_forgets_the_oldest_first()
    {
        var book = IdempotencyBook.Empty;
        for (var i = 0; i <= IdempotencyBook.MaxRecords; i++)
        {
            book = book.Remember(new($"key-{i}", "body"), Answer, Now.AddSeconds(i));
        }

        Assert.Equal(IdempotencyBook.MaxRecords, book.Records.Count);
        Assert.Null(book.Lookup(new("key-0", "body"), Now.AddHours(1)));
        Assert.NotNull(book.Lookup(new($"key-{IdempotencyBook.MaxRecords}", "body"), Now.AddHours(1)));
    }
}
