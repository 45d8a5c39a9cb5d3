using System.Collections;
using System.Reflection;
using Actors.Api.Hosting;
using Actors.EntryPoint;
using Actors.Grains.Hosting;
using Actors.Silo.Hosting;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Actors.Tests.Deploy;

/// <summary>
/// Every configuration key the hosts bind, read from the code: each settings class's <c>Section</c> constant and its
/// properties, the Orleans section's bound options, and the few keys read by name. A deploy file naming any other key
/// sets nothing.
/// </summary>
public static class HostConfigurationKeys
{
    private static readonly Assembly[] Hosts =
        [typeof(HostConfiguration).Assembly, typeof(SiloHosting).Assembly, typeof(ManagementEndpoints).Assembly, typeof(EntryPointSettings).Assembly];

    /// <summary>Keys (<c>A:B</c>), and prefixes ending in <c>:</c> under which any key binds (dictionaries, lists).</summary>
    public static IReadOnlySet<string> All { get; } = Collect();

    /// <summary>True when <paramref name="key"/> (<c>A:B</c> or the environment's <c>A__B</c>) is one a host reads.</summary>
    public static bool IsBound(string key)
    {
        var normalized = key.Replace("__", ":", StringComparison.Ordinal);
        return All.Any(known => known.EndsWith(':')
            ? normalized.StartsWith(known, StringComparison.OrdinalIgnoreCase) && normalized.Length > known.Length
            : string.Equals(known, normalized, StringComparison.OrdinalIgnoreCase));
    }

    private static HashSet<string> Collect()
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            // Read by name: the hosts' addresses, the connection string, the pool bound.
            "Urls",
            $"ConnectionStrings:{StorageNames.ConnectionStringName}",
            HostConfiguration.MaxConnectionsKey,
            "Logging:",
        };
        foreach (var type in Hosts.SelectMany(assembly => assembly.GetTypes()))
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field && field.GetRawConstantValue() is string section)
            {
                AddProperties(keys, section, type);
            }
        }
        AddProperties(keys, HostConfiguration.OrleansSection, typeof(ClusterOptions));
        AddProperties(keys, HostConfiguration.OrleansSection, typeof(SiloEndpointSettings));
        AddProperties(keys, SiloHosting.MembershipSection, typeof(ClusterMembershipOptions));
        AddProperties(keys, "HostOptions", typeof(HostOptions));
        return keys;
    }

    private static void AddProperties(HashSet<string> keys, string prefix, Type type, int depth = 0)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(property => property.CanWrite || IsCollection(property.PropertyType)))
        {
            var key = $"{prefix}:{property.Name}";
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsLeaf(propertyType))
            {
                keys.Add(key);
            }
            else if (IsCollection(propertyType))
            {
                keys.Add(key + ":");
            }
            else if (depth < 4)
            {
                AddProperties(keys, key, propertyType, depth + 1);
            }
        }
    }

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(TimeSpan) || type == typeof(decimal) || type == typeof(Uri)
        || type == typeof(DateTimeOffset);

    private static bool IsCollection(Type type) => type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);
}
