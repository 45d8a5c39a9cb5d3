using System.Text;

namespace Actors.Tests.Fuzz;

/// <summary>
/// Generates hostile requests from a seed, so a failure can be replayed: broken and deeply nested JSON, wrong types,
/// huge and negative numbers, Unicode tricks, card numbers in every field and encoding, header injection and
/// oversized bodies, each aimed at a route of the API with its parameters filled in or broken.
/// </summary>
public sealed class HostileRequests(int seed, IReadOnlyDictionary<string, string[]> realValues)
{
    /// <summary>The card numbers sent, as written; none may ever be stored, in any of its forms.</summary>
    public static readonly string[] CardNumbers =
        ["4111111111111111", "5555555555554444", "378282246310005", "6011111111111117", "4000056655665556"];

    private readonly Random random = new(seed);

    private static readonly string[] FieldNames =
    [
        "displayName", "email", "phone", "preferredLanguage", "homeCurrency", "timeZone", "lines", "sku", "quantity",
        "description", "country", "redeemPoints", "paymentMethodId", "stepUpCode", "amount", "reason", "token", "brand",
        "last4", "expiryMonth", "expiryYear", "billingCountry", "preferred", "daily", "weekly", "monthly", "until",
        "granted", "policyVersion", "kind", "value", "name", "unitPrice", "currency", "active", "role", "customerId",
        "card", "pay", "cardToken", "enrol", "from",
    ];

    private static readonly string[] Tricks =
    [
        "\u202eevil", "zero\u200bwidth", "\ufeffbom", "ｆｕｌｌ", "e\u0301", "😀😀", "\u2028line", "<script>alert(1)</script>",
        "'; DROP TABLE customer_events; --", "${jndi:ldap://x}", "../../etc/passwd", "%00", "\\u0000", "null", "",
        new string('x', 5000), "ß", "İ", "\u00a0", "+4930123456", "a@b", "cus_0123456789abcdefghjk",
    ];

    public HttpRequestMessage Next((string Method, string Route) endpoint)
    {
        var path = FillRoute(endpoint.Route);
        if (Chance(0.3))
        {
            path += "?" + Query();
        }
        var request = new HttpRequestMessage(new HttpMethod(Chance(0.05) ? Pick("PUT", "DELETE", "PATCH", "POST", "GET") : endpoint.Method), path);
        AddHeaders(request);
        if (request.Method != HttpMethod.Get || Chance(0.1))
        {
            request.Content = Body();
        }
        return request;
    }

    private string FillRoute(string route)
    {
        var builder = new StringBuilder();
        var i = 0;
        while (i < route.Length)
        {
            if (route[i] != '{')
            {
                builder.Append(route[i++]);
                continue;
            }
            var end = route.IndexOf('}', i);
            var name = route[(i + 1)..end].Split(':', '=', '?')[0];
            builder.Append(Uri.EscapeDataString(RouteValue(name)));
            i = end + 1;
        }
        return builder.ToString();
    }

    private string RouteValue(string name) =>
        realValues.TryGetValue(name, out var values) && Chance(0.7) ? Pick(values)
        : Chance(0.3) ? Card()
        : Text();

    private string Query() => Pick(
        $"q={Uri.EscapeDataString(Text())}",
        $"q={Uri.EscapeDataString(Card())}",
        "q=%00", "q=%ff%fe", "status=" + Uri.EscapeDataString(Text()), "limit=-1", "limit=99999999999999999999",
        "cursor=" + Uri.EscapeDataString(Text()), "from=not-a-date&to=2026-13-45", "q=" + Card().Replace(" ", "+"),
        "a=1&a=2&a=3", new string('q', 3000) + "=1");

    private void AddHeaders(HttpRequestMessage request)
    {
        var headers = request.Headers;
        if (Chance(0.8))
        {
            headers.TryAddWithoutValidation("Idempotency-Key", Chance(0.7) ? Guid.NewGuid().ToString() : Pick(Card(), Text(), "", new string('k', 300)));
        }
        if (Chance(0.3))
        {
            headers.Remove("X-Device-Id");
            headers.TryAddWithoutValidation("X-Device-Id", Pick(Card(), Text(), "ok-device"));
        }
        if (Chance(0.2))
        {
            headers.Remove("X-Channel");
            headers.TryAddWithoutValidation("X-Channel", Pick("web", "mobile", "pos", "tv", Text()));
        }
        if (Chance(0.3))
        {
            headers.TryAddWithoutValidation("X-Device-Label", Pick(Card(), Text(), "Ada's phone"));
        }
        if (Chance(0.2))
        {
            headers.TryAddWithoutValidation("If-Match", Pick("\"1\"", "\"-5\"", "*", "\"99999999999999999999\"", Text()));
        }
        if (Chance(0.05))
        {
            // Header injection: HttpClient refuses CR/LF itself, so this tries what gets through.
            headers.TryAddWithoutValidation("X-Device-Label", "a\u0085b");
        }
    }

    private HttpContent Body()
    {
        var (bytes, contentType) = random.Next(14) switch
        {
            0 => (Encoding.UTF8.GetBytes("{\"displayName\":"), "application/json"),
            1 => (Encoding.UTF8.GetBytes(new string('[', 2000) + new string(']', 2000)), "application/json"),
            2 => (Encoding.UTF8.GetBytes($"{{\"{Pick(FieldNames)}\":{Pick("1e309", "-1", "9223372036854775808", "-9223372036854775809", "0.0000001", "\"12\"", "true", "[]", "{}", "null")}}}"), "application/json"),
            3 => ([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0xFF, 0x22, 0x7D], "application/json"),
            4 => (Encoding.UTF8.GetBytes(Object(card: true)), "application/json"),
            5 => (Encoding.UTF8.GetBytes(Object(card: false)), "application/json"),
            6 => (Encoding.Unicode.GetBytes(Object(card: Chance(0.5))), "application/json; charset=utf-16"),
            7 => (Encoding.UTF8.GetBytes(Object(card: Chance(0.5))), Pick("text/plain", "application/json; charset=foo", "application/xml", "application/json; charset=latin1", "multipart/form-data")),
            8 => (Encoding.UTF8.GetBytes($"{{\"displayName\":\"a\",\"displayName\":\"{Card()}\"}}"), "application/json"),
            9 => (Encoding.UTF8.GetBytes("{\"displayName\":\"" + new string('x', 70 * 1024) + "\"}"), "application/json"),
            10 => (Encoding.UTF8.GetBytes($"{{\"{EscapedCard()}\":1}}"), "application/json"),
            11 => (Encoding.UTF8.GetBytes("{\"displayName\":\"\\ud800\",\"email\":\"\\u0000@x\"}"), "application/json"),
            12 => (Encoding.UTF8.GetBytes($"{{\"amount\":{Pick(CardNumbers)}}}"), "application/json"),
            _ => (Encoding.UTF8.GetBytes(Pick("", "null", "[]", "\"text\"", "{}", "{{}", "{\"a\":}")), "application/json"),
        };
        var content = new ByteArrayContent(bytes);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    /// <summary>A JSON object of a few plausible fields, one holding a card number in some encoding when <paramref name="card"/>.</summary>
    private string Object(bool card)
    {
        var fields = new List<string>();
        var count = random.Next(1, 6);
        var cardAt = card ? random.Next(count) : -1;
        for (var i = 0; i < count; i++)
        {
            var value = i == cardAt
                ? Pick($"\"{Card()}\"", $"\"{EscapedCard()}\"", Pick(CardNumbers), $"\"Ada {Card()} King\"")
                : Pick($"\"{JsonText(Text())}\"", random.Next(-5, 100_000).ToString(), "true", "null",
                    $"[{{\"sku\":\"{JsonText(Text())}\",\"quantity\":{random.Next(-3, 1000)}}}]", "{\"name\":\"x\"}");
            fields.Add($"\"{Pick(FieldNames)}\":{value}");
        }
        return "{" + string.Join(",", fields) + "}";
    }

    private string Card()
    {
        var number = Pick(CardNumbers);
        return random.Next(4) switch
        {
            0 => number,
            1 => string.Join(" ", Chunks(number)),
            2 => string.Join("-", Chunks(number)),
            _ => "x" + number + "y",
        };
    }

    /// <summary>A card number with some of its digits as JSON <c>\u00XX</c> escapes.</summary>
    private string EscapedCard() => string.Concat(Pick(CardNumbers).Select(digit => Chance(0.5) ? $"\\u{(int)digit:x4}" : digit.ToString()));

    private string Text() => Pick(Tricks);

    private static string JsonText(string text) => System.Text.Json.JsonSerializer.Serialize(text)[1..^1];

    private static IEnumerable<string> Chunks(string number)
    {
        for (var i = 0; i < number.Length; i += 4)
        {
            yield return number[i..Math.Min(i + 4, number.Length)];
        }
    }

    private bool Chance(double probability) => random.NextDouble() < probability;

    private T Pick<T>(params T[] values) => values[random.Next(values.Length)];
}
