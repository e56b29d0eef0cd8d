using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Metrics.Bench.Hosting;

/// <summary>What the figures were measured on.</summary>
public sealed record MachineInfo(
    int Cores, string CpuModel, double MemoryGiB, string Os, string DotNet, string RedisVersion, string GitCommit, bool GitDirty)
{
    public static MachineInfo Read(string repositoryRoot, string redisVersion) => new(
        Environment.ProcessorCount,
        ReadCpuModel(),
        ReadMemoryGiB(),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        redisVersion,
        Git(repositoryRoot, "rev-parse", "HEAD") ?? "unknown",
        Git(repositoryRoot, "status", "--porcelain") is { Length: > 0 });

    private static string ReadCpuModel() => ProcLines("/proc/cpuinfo")
        .Where(l => l.StartsWith("model name", StringComparison.Ordinal))
        .Select(l => l[(l.IndexOf(':') + 1)..].Trim())
        .FirstOrDefault() ?? "unknown";

    private static double ReadMemoryGiB()
    {
        var line = ProcLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return line is null ? 0 : Math.Round(long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0 / 1024.0, 1);
    }

    private static IEnumerable<string> ProcLines(string path) => File.Exists(path) ? File.ReadLines(path) : [];

    private static string? Git(string repositoryRoot, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo("git", arguments)
            {
                WorkingDirectory = repositoryRoot,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
