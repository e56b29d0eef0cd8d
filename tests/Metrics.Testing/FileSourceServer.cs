namespace Metrics.Testing;

/// <summary>
/// An embedded server for suites that share one: <c>count</c> projects named <c>{prefix}0</c>, <c>{prefix}1</c>, …,
/// each with its two keys and a <c>files</c> source on the same root, in a cluster of its own.
/// </summary>
public static class FileSourceServer
{
    public static Task<MetricsServerProcess> StartAsync(string prefix, int count, string filesRoot)
    {
        var settings = Enumerable.Range(0, count).SelectMany(i => new ProjectKeys($"{prefix}{i}").Settings).ToDictionary();
        for (var i = 0; i < count; i++)
        {
            settings[$"Metrics:Projects:{prefix}{i}:Sources:files:Kind"] = "files";
            settings[$"Metrics:Projects:{prefix}{i}:Sources:files:Root"] = filesRoot;
        }
        settings["Metrics:Orleans:ClusterId"] = $"{prefix}-{Guid.NewGuid():N}";
        return MetricsServerProcess.StartAsync(new MetricsServerOptions { ServerAssembly = RepositoryLayout.ServerAssembly(), Settings = settings });
    }
}
