using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Metrics.Bench.Hosting;

/// <summary>
/// The live managed heap of a process, measured with dotnet-gcdump (a local tool of the repository:
/// <c>dotnet tool restore</c>): <c>collect</c> forces a full, blocking garbage collection and walks the heap;
/// <c>report</c> gives the bytes of the objects still reachable.
/// </summary>
public static partial class GcHeap
{
    public static async Task<long> LiveBytesAsync(int pid, string repositoryRoot, string workDirectory)
    {
        var dump = Path.Combine(workDirectory, $"heap-{pid}-{DateTime.UtcNow:HHmmssfff}.gcdump");
        try
        {
            await RunAsync(repositoryRoot, ["collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", dump]);
            var report = await RunAsync(repositoryRoot, ["report", dump]);
            var match = HeapBytes().Match(report);
            if (!match.Success)
                throw new InvalidOperationException($"dotnet-gcdump report printed no \"GC Heap bytes\" line:\n{report}");
            return long.Parse(match.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        }
        finally
        {
            File.Delete(dump);
        }
    }

    private static async Task<string> RunAsync(string repositoryRoot, string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", ["dotnet-gcdump", .. arguments])
        {
            WorkingDirectory = repositoryRoot, // where .config/dotnet-tools.json makes the local tool resolvable
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not run dotnet-gcdump");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"dotnet-gcdump {arguments[0]} did not finish within 3 minutes");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"dotnet-gcdump {arguments[0]} failed ({process.ExitCode}; is the local tool restored? run `dotnet tool restore`):\n{await output}{await error}");
        return await output + await error;
    }

    [GeneratedRegex(@"([\d,]+)\s+GC Heap bytes")]
    private static partial Regex HeapBytes();
}
