using System.Diagnostics;
using System.Text.RegularExpressions;
using Actors.Silo.Hosting;
using Actors.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Actors.Tests.Deploy;

/// <summary>
/// docker-compose.yml, deploy/prometheus.yml, the Dockerfiles and every manifest under deploy/k8s, read as files: images
/// that are built or pinned, ports the hosts listen on, configuration keys the hosts bind, probes on the hosts' health
/// paths, and termination longer than the drain. None of it runs here; this is what can be checked without running it.
/// </summary>
public sealed partial class DeployFilesTests
{
    private const string SiloImage = "actors-silo";
    private const string ApiImage = "actors-api";
    private const string EntryPointImage = "actors-entrypoint";

    /// <summary>The paths both hosts (and the entry point) map for health.</summary>
    private static readonly string[] HealthPaths = ["/health/live", "/health/ready"];

    /// <summary>Each image the repository builds, by the Dockerfile that builds it.</summary>
    private static readonly Dictionary<string, string> Dockerfiles = new()
    {
        [SiloImage] = "deploy/silo.Dockerfile",
        [ApiImage] = "deploy/api.Dockerfile",
        [EntryPointImage] = "deploy/entrypoint.Dockerfile",
    };

    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(30);

    [Fact]
    public void Every_Dockerfile_copies_what_exists_and_publishes_its_host()
    {
        foreach (var (image, path) in Dockerfiles)
        {
            var text = File.ReadAllText(Repo(path));
            foreach (Match copy in CopyLine().Matches(text))
            {
                var sources = copy.Groups["args"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1];
                foreach (var source in sources)
                {
                    Assert.True(File.Exists(Repo(source)) || Directory.Exists(Repo(source)), $"{path} copies {source}, which does not exist");
                }
            }
            var project = image switch
            {
                SiloImage => "silo/Actors.Silo/Actors.Silo.csproj",
                ApiImage => "api/Actors.Api/Actors.Api.csproj",
                _ => "deploy/Actors.EntryPoint/Actors.EntryPoint.csproj",
            };
            Assert.Contains($"dotnet publish {project}", text);
            Assert.Contains($"ENTRYPOINT [\"dotnet\", \"{Path.GetFileNameWithoutExtension(project)}.dll\"]", text);
        }
        // The silo embeds the schema it applies (migrate) from deploy/sql.
        Assert.Contains("COPY deploy/sql/ deploy/sql/", File.ReadAllText(Repo(Dockerfiles[SiloImage])));
    }

    [Fact]
    public void Compose_runs_two_silos_and_two_API_nodes_behind_the_entry_point_on_the_hosts_own_ports_and_keys()
    {
        var services = (YamlMappingNode)Load("docker-compose.yml")[0]["services"];
        var byName = services.Children.ToDictionary(entry => Scalar(entry.Key), entry => Merged((YamlMappingNode)entry.Value));
        Assert.Equal(["api1", "api2", "entry", "grafana", "postgres", "prometheus", "schema", "silo1", "silo2"], byName.Keys.Order());

        foreach (var (name, service) in byName)
        {
            var image = Scalar(service["image"]);
            if (service.Children.ContainsKey("build"))
            {
                Assert.Equal(Dockerfiles[image], Scalar(service["build"]["dockerfile"]));
            }
            else
            {
                AssertPinned(image, name);
            }
            foreach (var key in Environment(service).Keys.Where(key => key.Contains("__", StringComparison.Ordinal)))
            {
                Assert.True(HostConfigurationKeys.IsBound(key), $"{name} sets {key}, which no host reads");
            }
        }

        var endpointDefaults = new SiloEndpointSettings();
        foreach (var silo in new[] { "silo1", "silo2" })
        {
            var env = Environment(byName[silo]);
            Assert.Equal(SiloImage, Scalar(byName[silo]["image"]));
            Assert.Equal(endpointDefaults.SiloPort.ToString(), env["Orleans__SiloPort"]);
            Assert.Equal(endpointDefaults.GatewayPort.ToString(), env["Orleans__GatewayPort"]);
            Assert.Equal([9464], UrlPorts(env["Urls"]));
            AssertLongerThanDrain(ComposeDuration(Scalar(byName[silo]["stop_grace_period"])), env, silo);
        }
        Assert.Equal("migrate", Scalar(((YamlSequenceNode)byName["schema"]["command"]).Children[0]));

        var apiPorts = new Dictionary<string, int>();
        foreach (var api in new[] { "api1", "api2" })
        {
            var env = Environment(byName[api]);
            Assert.Equal(ApiImage, Scalar(byName[api]["image"]));
            var ports = UrlPorts(env["Urls"]);
            var management = int.Parse(env["Management__Port"]);
            Assert.Contains(management, ports);
            Assert.Equal("false", env["Auth__DevTokens"]);
            apiPorts[api] = ports.Single(port => port != management);
            AssertLongerThanDrain(ComposeDuration(Scalar(byName[api]["stop_grace_period"])), env, api);
        }

        // The entry point names both API nodes at their HTTP port and is the only published platform port.
        var entry = Environment(byName["entry"]);
        Assert.Equal(EntryPointImage, Scalar(byName["entry"]["image"]));
        Assert.Equal(["http://api1:" + apiPorts["api1"], "http://api2:" + apiPorts["api2"]],
            entry.Where(pair => pair.Key.StartsWith("EntryPoint__Nodes__", StringComparison.Ordinal)).OrderBy(pair => pair.Key).Select(pair => pair.Value));
        var published = ((YamlSequenceNode)byName["entry"]["ports"]).Children.Select(Scalar).Single().Split(':');
        Assert.Equal(UrlPorts(entry["Urls"]).Single(), int.Parse(published[1]));
        Assert.DoesNotContain(new[] { "api1", "api2", "silo1", "silo2" }, name => byName[name].Children.ContainsKey("ports"));

        // Grafana is provisioned from the repository's folders.
        var volumes = ((YamlSequenceNode)byName["grafana"]["volumes"]).Children.Select(Scalar).ToList();
        Assert.Contains("./deploy/grafana/provisioning:/etc/grafana/provisioning:ro", volumes);
        Assert.Contains("./deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro", volumes);

        // Prometheus scrapes every silo and API node where it serves /metrics: the silo's Urls, the API's management port.
        var targets = Load("deploy/prometheus.yml")[0]["scrape_configs"].AllNodes.OfType<YamlSequenceNode>()
            .Where(sequence => sequence.Children.All(node => node is YamlScalarNode)).SelectMany(sequence => sequence.Children.Select(Scalar)).Order().ToList();
        Assert.Equal(["api1:9464", "api2:9464", "silo1:9464", "silo2:9464"], targets);
    }

    [Fact]
    public void Kubernetes_manifests_use_Orleans_hosting_probes_budgets_secrets_and_a_grace_longer_than_the_drain()
    {
        var kustomization = Load("deploy/k8s/kustomization.yaml")[0];
        var listed = ((YamlSequenceNode)kustomization["resources"]).Children.Select(Scalar).Order().ToList();
        var files = Directory.GetFiles(Repo("deploy/k8s"), "*.yaml").Select(file => Path.GetFileName(file)).Where(name => name != "kustomization.yaml").Order().ToList();
        Assert.Equal(files, listed);
        var objects = files.SelectMany(file => Load($"deploy/k8s/{file}")).ToList();
        YamlMappingNode Find(string kind, string name) =>
            objects.Single(o => Scalar(o["kind"]) == kind && Scalar(o["metadata"]["name"]) == name);

        var config = Map(Find("ConfigMap", "actors-config")["data"]);
        var secrets = Map(Find("Secret", "actors-secrets")["stringData"]);
        foreach (var key in config.Keys.Concat(secrets.Keys))
        {
            Assert.True(HostConfigurationKeys.IsBound(key), $"the ConfigMap or Secret sets {key}, which no host reads");
        }
        // What is secret comes from the Secret, and only from it.
        string[] secret = ["ConnectionStrings__Actors", "Privacy__MasterKeys__main", "Privacy__IdentifierKey", "Auth__SigningKey", "Receipts__SigningKey"];
        Assert.All(secret, key => Assert.True(secrets.ContainsKey(key) && !config.ContainsKey(key), key));
        Assert.Equal("false", config["Auth__DevTokens"]);
        var drain = TimeSpan.Parse(config["HostOptions__ShutdownTimeout"]);
        Assert.True(drain >= Drain, $"drain {drain}");

        var silo = Find("Deployment", "actors-silo");
        var api = Find("Deployment", "actors-api");
        foreach (var (workload, image) in new[] { (silo, SiloImage), (api, ApiImage), (Find("Job", "actors-schema"), SiloImage) })
        {
            var pod = (YamlMappingNode)workload["spec"]["template"]["spec"];
            var container = (YamlMappingNode)((YamlSequenceNode)pod["containers"]).Children.Single();
            Assert.Equal(image, Scalar(container["image"]));
            Assert.True(Dockerfiles.ContainsKey(Scalar(container["image"])));
            Assert.Equal(["actors-config", "actors-secrets"], ((YamlSequenceNode)container["envFrom"]).Children
                .Select(source => Scalar(((YamlMappingNode)source).Children.Single().Value["name"])).Order());
            Assert.True(container["resources"]["requests"] is YamlMappingNode { Children.Count: 2 }, "resource requests");
            Assert.True(container["resources"]["limits"] is YamlMappingNode { Children.Count: 2 }, "resource limits");
            foreach (var key in ContainerEnv(container).Keys.Where(key => key.Contains("__", StringComparison.Ordinal)))
            {
                Assert.True(HostConfigurationKeys.IsBound(key), $"{image} sets {key}, which no host reads");
            }
            if (Scalar(workload["kind"]) != "Deployment")
            {
                continue;
            }
            // The probes ask the host's health paths on a port it listens on, and termination outlasts the drain.
            var env = ContainerEnv(container);
            var ports = ((YamlSequenceNode)container["ports"]).Children.Cast<YamlMappingNode>()
                .ToDictionary(port => Scalar(port["name"]), port => int.Parse(Scalar(port["containerPort"])));
            foreach (var (probe, path) in new[] { ("readinessProbe", "/health/ready"), ("livenessProbe", "/health/live") })
            {
                Assert.Equal(path, Scalar(container[probe]["httpGet"]["path"]));
                Assert.Contains(path, HealthPaths);
                Assert.Contains(ports[Scalar(container[probe]["httpGet"]["port"])], UrlPorts(env["Urls"]));
            }
            Assert.True(TimeSpan.FromSeconds(int.Parse(Scalar(pod["terminationGracePeriodSeconds"]))) > drain + TimeSpan.FromSeconds(5),
                $"{image}: termination grace must exceed the {drain} drain");
            var selector = Map(workload["spec"]["selector"]["matchLabels"]);
            Assert.Contains(objects, o => Scalar(o["kind"]) == "PodDisruptionBudget"
                && Map(o["spec"]["selector"]["matchLabels"]).SequenceEqual(selector));
        }

        // Orleans' Kubernetes hosting: the pod's identity from the downward API, ids from its labels (agreeing with what
        // the API nodes are told), the silo and gateway ports, and the RBAC to read and delete silo pods.
        var siloPod = (YamlMappingNode)silo["spec"]["template"];
        var siloContainer = (YamlMappingNode)((YamlSequenceNode)siloPod["spec"]["containers"]).Children.Single();
        var siloEnv = ContainerEnv(siloContainer);
        Assert.All(new[] { "POD_NAME", "POD_NAMESPACE", "POD_IP", "ORLEANS_SERVICE_ID", "ORLEANS_CLUSTER_ID" }, name => Assert.True(siloEnv.ContainsKey(name), name));
        var labels = Map(siloPod["metadata"]["labels"]);
        Assert.Equal(config["Orleans__ServiceId"], labels["orleans/serviceId"]);
        Assert.Equal(config["Orleans__ClusterId"], labels["orleans/clusterId"]);
        Assert.Equal("metadata.labels['orleans/clusterId']", siloEnv["ORLEANS_CLUSTER_ID"]);
        var endpointDefaults = new SiloEndpointSettings();
        Assert.Equal(endpointDefaults.SiloPort.ToString(), siloEnv["Orleans__SiloPort"]);
        Assert.Equal(endpointDefaults.GatewayPort.ToString(), siloEnv["Orleans__GatewayPort"]);
        var account = Scalar(siloPod["spec"]["serviceAccountName"]);
        var binding = objects.Single(o => Scalar(o["kind"]) == "RoleBinding"
            && ((YamlSequenceNode)o["subjects"]).Children.Any(subject => Scalar(subject["name"]) == account));
        var role = Find("Role", Scalar(binding["roleRef"]["name"]));
        var verbs = ((YamlSequenceNode)role["rules"]).Children.Where(rule => ((YamlSequenceNode)rule["resources"]).Children.Select(Scalar).Contains("pods"))
            .SelectMany(rule => ((YamlSequenceNode)rule["verbs"]).Children.Select(Scalar)).ToHashSet();
        Assert.Superset(new HashSet<string> { "get", "list", "watch", "delete", "patch" }, verbs);

        // The entry: a Service over the API pods and an Ingress that sends everything to it.
        var service = Find("Service", "actors-api");
        Assert.Equal(Map(api["spec"]["selector"]["matchLabels"]), Map(service["spec"]["selector"]));
        Assert.Contains("actors-api", Find("Ingress", "actors").AllNodes.OfType<YamlScalarNode>().Select(node => node.Value));
    }

    [Fact]
    public async Task Kustomize_builds_the_manifests_where_kubectl_exists()
    {
        var kubectl = (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(folder => Path.Combine(folder, "kubectl")).FirstOrDefault(File.Exists);
        if (kubectl is null)
        {
            return; // Not on CI: the manifests are still parsed above.
        }
        using var process = Process.Start(new ProcessStartInfo(kubectl, ["kustomize", Repo("deploy/k8s")]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, error);
        Assert.Contains("namespace: actors", await output);
    }

    [Fact]
    public void The_key_list_knows_the_hosts_keys_and_no_others()
    {
        Assert.True(HostConfigurationKeys.IsBound("Orleans__ClusterId"));
        Assert.True(HostConfigurationKeys.IsBound("Privacy__MasterKeys__anything"));
        Assert.True(HostConfigurationKeys.IsBound("EntryPoint__Nodes__0"));
        Assert.True(HostConfigurationKeys.IsBound("Payments:GatewayTimeout"));
        Assert.False(HostConfigurationKeys.IsBound("Orleans__ClusterName"));
        Assert.False(HostConfigurationKeys.IsBound("Privacy__MasterKeys"));
        Assert.False(HostConfigurationKeys.IsBound("Management__Ports"));
    }

    private static void AssertPinned(string image, string where)
    {
        var tag = image.Contains(':') ? image[(image.LastIndexOf(':') + 1)..] : "";
        Assert.True(tag.Length > 0 && tag != "latest" && tag.Any(char.IsDigit), $"{where}: {image} is neither built here nor pinned to a version");
    }

    private static void AssertLongerThanDrain(TimeSpan grace, IReadOnlyDictionary<string, string> env, string where)
    {
        var drain = env.TryGetValue("HostOptions__ShutdownTimeout", out var value) ? TimeSpan.Parse(value) : Drain;
        Assert.True(grace > drain + TimeSpan.FromSeconds(5), $"{where}: stop_grace_period {grace} must exceed the drain {drain}");
    }

    private static TimeSpan ComposeDuration(string value) =>
        value.EndsWith('s') ? TimeSpan.FromSeconds(int.Parse(value[..^1])) : throw new FormatException(value);

    private static int[] UrlPorts(string urls) => [.. urls.Split(';').Select(url => new Uri(url.Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port)];

    private static Dictionary<string, string> Environment(YamlMappingNode service) =>
        service.Children.TryGetValue("environment", out var env) ? Map(env) : [];

    /// <summary>A container's env: plain values, and for values from the downward API the field they name.</summary>
    private static Dictionary<string, string> ContainerEnv(YamlMappingNode container) =>
        container.Children.TryGetValue("env", out var env)
            ? ((YamlSequenceNode)env).Children.Cast<YamlMappingNode>().ToDictionary(entry => Scalar(entry["name"]),
                entry => entry.Children.TryGetValue("value", out var value) ? Scalar(value) : Scalar(entry["valueFrom"]["fieldRef"]["fieldPath"]))
            : [];

    private static Dictionary<string, string> Map(YamlNode node) =>
        Merged((YamlMappingNode)node).Children.ToDictionary(entry => Scalar(entry.Key), entry => Scalar(entry.Value));

    /// <summary>The mapping with YAML merge keys (<c>&lt;&lt;: *anchor</c>) applied; its own keys win.</summary>
    private static YamlMappingNode Merged(YamlMappingNode node)
    {
        var result = new YamlMappingNode();
        if (node.Children.TryGetValue(new YamlScalarNode("<<"), out var merged))
        {
            foreach (var entry in Merged((YamlMappingNode)merged).Children)
            {
                result.Children[entry.Key] = entry.Value;
            }
        }
        foreach (var entry in node.Children.Where(entry => Scalar(entry.Key) != "<<"))
        {
            result.Children[entry.Key] = entry.Value is YamlMappingNode mapping ? Merged(mapping) : entry.Value;
        }
        return result;
    }

    private static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value ?? "";

    private static List<YamlMappingNode> Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Repo(path));
        stream.Load(reader);
        return [.. stream.Documents.Select(document => (YamlMappingNode)document.RootNode)];
    }

    private static string Repo(string path) => Path.Combine(RepositoryRoot.Path, path);

    [GeneratedRegex(@"^COPY (?!--from)(?<args>.+)$", RegexOptions.Multiline)]
    private static partial Regex CopyLine();
}
