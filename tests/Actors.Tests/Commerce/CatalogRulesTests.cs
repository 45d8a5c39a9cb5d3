using Actors.Grains.Catalog;

namespace Actors.Tests.Commerce;

public sealed class CatalogRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 12, 0, 0, TimeSpan.Zero);

    private static CatalogItem Put(CatalogItem? current, CatalogItemDraft draft, out bool changed)
    {
        var item = Assert.IsType<CatalogResult.Item>(CatalogRules.Put(current, "beans", draft, Now));
        changed = item.Changed;
        return item.Current;
    }

    [Fact]
    public void A_new_sku_starts_at_version_1_active_with_a_trimmed_name_and_upper_case_currency()
    {
        var item = Put(null, new CatalogItemDraft("  Coffee beans ", 1_450, "eur", null), out var changed);

        Assert.True(changed);
        Assert.Equal(new CatalogItem("beans", 1, "Coffee beans", 1_450, "EUR", true, Now), item);
    }

    [Fact]
    public void Stating_the_item_as_it_is_adds_no_version()
    {
        var current = new CatalogItem("beans", 3, "Coffee beans", 1_450, "EUR", true, Now.AddDays(-1));

        var item = Put(current, new CatalogItemDraft("Coffee beans", 1_450, "EUR", true), out var changed);

        Assert.False(changed);
        Assert.Same(current, item);
    }

    [Theory]
    [InlineData("Coffee beans", 1_500, "EUR", true)]
    [InlineData("Whole beans", 1_450, "EUR", true)]
    [InlineData("Coffee beans", 1_450, "GBP", true)]
    [InlineData("Coffee beans", 1_450, "EUR", false)]
    public void Any_change_adds_the_next_version(string name, long price, string currency, bool active)
    {
        var current = new CatalogItem("beans", 3, "Coffee beans", 1_450, "EUR", true, Now.AddDays(-1));

        var item = Put(current, new CatalogItemDraft(name, price, currency, active), out var changed);

        Assert.True(changed);
        Assert.Equal(new CatalogItem("beans", 4, name, price, currency, active, Now), item);
    }

    [Fact]
    public void Every_field_is_checked_and_named()
    {
        var errors = Assert.IsType<CatalogResult.Invalid>(CatalogRules.Put(null, "no spaces", new CatalogItemDraft(" ", 0, "XYZ", true), Now)).Errors;

        Assert.Equal(["currency", "name", "sku", "unitPrice"], errors.Keys.Order());
    }

    [Theory]
    [InlineData(null)]
    [InlineData(-1L)]
    [InlineData(1_000_000_000_000_001L)]
    public void A_price_must_be_given_and_within_the_largest_amount(long? price)
    {
        var errors = Assert.IsType<CatalogResult.Invalid>(CatalogRules.Put(null, "beans", new CatalogItemDraft("Beans", price, "EUR", true), Now)).Errors;

        Assert.Equal(["unitPrice"], errors.Keys);
    }
}
