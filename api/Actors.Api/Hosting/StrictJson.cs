using System.Text.Json;
using System.Text.Json.Serialization;

namespace Actors.Api.Hosting;

public static class StrictJson
{
    /// <summary>
    /// Reads request bodies strictly: an unknown field, a field sent twice or a number sent as a string is an error,
    /// not a guess (the web defaults take the last of two keys and read "5" as 5).
    /// </summary>
    public static JsonSerializerOptions MakeStrict(this JsonSerializerOptions options)
    {
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.AllowDuplicateProperties = false;
        options.NumberHandling = JsonNumberHandling.Strict;
        return options;
    }
}
