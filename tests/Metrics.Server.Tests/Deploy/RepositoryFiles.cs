using System.Text.RegularExpressions;

namespace Metrics.Server.Tests.Deploy;

/// <summary>The deployment files of the repository, read as the tools that use them would.</summary>
internal static partial class RepositoryFiles
{
    public static string PathOf(string relative) => Path.Combine(RepositoryLayout.Root(), relative);

    /// <summary>Every document of every manifest in deploy/kubernetes, in file order.</summary>
    public static IReadOnlyList<YamlNode> KubernetesManifests() =>
        Directory.GetFiles(PathOf("deploy/kubernetes"), "*.y*ml").Order(StringComparer.Ordinal).SelectMany(YamlNode.Documents).ToList();

    public static YamlNode Manifest(string kind, string name) =>
        KubernetesManifests().Single(d => d["kind"].Text == kind && d["metadata"]["name"].Text == name);

    /// <summary>The ports the Dockerfile's <c>EXPOSE</c> lines give.</summary>
    public static IReadOnlySet<int> DockerfileExposedPorts() =>
        Expose().Matches(File.ReadAllText(PathOf("Dockerfile")))
            .SelectMany(m => m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(int.Parse)
            .ToHashSet();

    /// <summary>The value an <c>ENV</c> of the Dockerfile gives <paramref name="variable"/>.</summary>
    public static string DockerfileEnv(string variable)
    {
        var match = Regex.Match(File.ReadAllText(PathOf("Dockerfile")), $@"(?m)(?:ENV\s+|^\s+){Regex.Escape(variable)}=(\S+)");
        return match.Success ? match.Groups[1].Value : throw new Xunit.Sdk.XunitException($"the Dockerfile sets no ENV {variable}");
    }

    public static int PortOf(string url) => new Uri(url).Port;

    [GeneratedRegex(@"(?m)^EXPOSE\s+([0-9 ]+)$")]
    private static partial Regex Expose();
}
