using System.ComponentModel.DataAnnotations;

namespace Actors.EntryPoint;

/// <summary>The API nodes behind the entry point (section <c>EntryPoint</c>, e.g. <c>EntryPoint__Nodes__0</c>).</summary>
public sealed class EntryPointSettings
{
    public const string Section = "EntryPoint";

    /// <summary>Each API node's base address, e.g. <c>http://127.0.0.1:5081</c>.</summary>
    [MinLength(1)]
    public string[] Nodes { get; set; } = [];

    /// <summary>How often each node's <c>/health/ready</c> is asked; a node that is not ready gets no new requests.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan HealthEvery { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a node may take to answer it; a node busy with load must not be taken for a dead one.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan HealthTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
