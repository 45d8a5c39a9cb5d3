namespace Actors.Api.Hosting;

public static class ApiLimits
{
    /// <summary>No request this API takes needs more; a larger body is refused with 413 before it is read.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;
}

/// <summary>Names this assembly's entry point for in-process hosting (the end-to-end tests).</summary>
public sealed class ApiEntryPoint;
