namespace Metrics.Bench.Hosting;

/// <summary>
/// How the harness runs a server node: with the image's runtime settings, every <see cref="BenchProject"/>, its output
/// appended to a log file only (a full-size run writes too much to keep), a generous start timeout for a busy
/// machine, channels that carry the largest messages the scenarios read, and stopped with SIGTERM so that it leaves
/// its cluster.
/// </summary>
public static class BenchNode
{
    public static MetricsServerOptions Options(
        string name, string serverAssembly, string? redis, string clusterId, string logDirectory, IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        var settings = new Dictionary<string, string>(BenchProject.All.SelectMany(project => project.Settings))
        {
            ["Metrics:Orleans:ClusterId"] = clusterId,
            [$"Metrics:Projects:{BenchProject.CatalogLarge.Name}:Quotas:MetricNames"] = "1000000",
            [$"Metrics:Projects:{BenchProject.CatalogLarge.Name}:Quotas:OpenMetricDays"] = "1000000",
        };
        if (redis is not null)
            settings["Metrics:Redis"] = redis;
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string>())
            settings[key] = value;
        return new MetricsServerOptions
        {
            ServerAssembly = serverAssembly,
            Name = name,
            Settings = settings,
            // As the image (the Dockerfile's ENV) and `dotnet run` start the server: hot methods counted for
            // optimization from their first call (docs/performance.md, change 15).
            RuntimeEnvironment = new Dictionary<string, string> { ["DOTNET_TC_CallCountingDelayMs"] = "0" },
            KeepOutput = false,
            LogFile = Path.Combine(logDirectory, $"{name}.log"),
            StartTimeout = TimeSpan.FromSeconds(90),
            MaxChannelMessageBytes = 64 * 1024 * 1024,
            StopGrace = TimeSpan.FromSeconds(20),
        };
    }
}
