using System.Collections;
using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Actors.Tests.Infrastructure;

/// <summary>
/// Keeps every log line of the hosts it is added to, at every level the host lets through: the category, the
/// formatted message, the exception with its messages and stack, the structured state and every scope around it,
/// written out as one text each, so a test can search them for values that must never be logged.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> lines = new();
    private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

    /// <summary>The settings that let every category through at Debug, the framework's and Orleans' included.</summary>
    public static IReadOnlyDictionary<string, string?> DebugSettings { get; } = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Debug",
        ["Logging:LogLevel:Microsoft"] = "Debug",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug",
        ["Logging:LogLevel:Orleans"] = "Debug",
        ["Logging:LogLevel:Polly"] = "Debug",
    };

    public IReadOnlyCollection<string> Lines => lines;

    /// <summary>Adds a line as if a host had logged it.</summary>
    public void Add(string line) => lines.Enqueue(line);

    public ILogger CreateLogger(string categoryName) => new Capturing(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Capturing(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner.scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder();
            line.Append(logLevel).Append(' ').Append(category).Append('[').Append(eventId.Id).Append("] ");
            line.Append(formatter(state, exception));
            Values(line, state);
            owner.scopes.ForEachScope((scope, text) => Values(text.Append(" scope:"), scope), line);
            if (exception is not null)
            {
                line.Append(" exception: ").Append(exception);
            }
            owner.lines.Enqueue(line.ToString());
        }

        /// <summary>The structured values as well as the text: a sink that stores them would store what they hold.</summary>
        private static void Values(StringBuilder line, object? state)
        {
            switch (state)
            {
                case null:
                    return;
                case IEnumerable<KeyValuePair<string, object?>> pairs:
                    foreach (var (key, value) in pairs)
                    {
                        line.Append(' ').Append(key).Append('=').Append(Text(value));
                    }
                    return;
                default:
                    line.Append(' ').Append(state);
                    return;
            }
        }

        private static string? Text(object? value) => value switch
        {
            string text => text,
            IEnumerable items => string.Join(",", items.Cast<object?>()),
            _ => value?.ToString(),
        };
    }
}
