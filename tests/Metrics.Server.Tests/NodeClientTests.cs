using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests;

/// <summary>Runs the Node.js example in <c>examples/node</c> against the test server and checks what it reports.</summary>
public sealed class NodeClientTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task NodeClientIngestsSealsAndReadsFinalizedDay()
    {
        var exampleDir = Path.Combine(RepositoryLayout.Root(), "examples", "node");
        Assert.True(
            Directory.Exists(Path.Combine(exampleDir, "node_modules", "@grpc", "grpc-js")),
            $"{exampleDir}/node_modules is missing: run `npm ci --prefix examples/node` from the repository root first.");

        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var metric = $"node_{Guid.NewGuid():N}";
        var ratioMetric = $"{metric}_ratio";
        var grpc = server.Process.GrpcAddress;

        var (exitCode, stdout, stderr) = await RunNodeAsync(exampleDir, new Dictionary<string, string?>
        {
            ["METRICS_GRPC"] = $"{grpc.Host}:{grpc.Port}",
            ["METRICS_SERVER_SECRET"] = project.ServerSecret,
            ["METRICS_INGEST_KEY"] = project.IngestKey,
            ["METRICS_METRIC"] = metric,
            ["METRICS_DATE"] = null, // the documented default day and seal time
            ["METRICS_SEAL_AT"] = null,
        });
        Assert.True(exitCode == 0, $"node client.js exited with {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}");

        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToList();
        var ingest = Assert.Single(lines, l => l.GetProperty("step").GetString() == "ingest");
        Assert.Equal(2, ingest.GetProperty("accepted").GetInt32());
        Assert.False(ingest.GetProperty("duplicate").GetBoolean());
        var sent = ingest.GetProperty("sent");
        var sentSum = sent.GetProperty(metric).GetProperty("sum").GetDouble();
        var sentNumerator = sent.GetProperty(ratioMetric).GetProperty("numerator_sum").GetDouble();
        var sentDenominator = sent.GetProperty(ratioMetric).GetProperty("denominator_sum").GetDouble();

        var ready = Assert.Single(lines, l => l.GetProperty("step").GetString() == "ready");
        var days = lines.Where(l => l.GetProperty("step").GetString() == "day").ToList();
        var valueDays = days.Where(l => l.GetProperty("metric").GetString() == metric).ToList();
        Assert.Equal(2, valueDays.Count);
        Assert.Equal("OPEN", valueDays[0].GetProperty("status").GetString());
        var finalDay = valueDays[^1];
        var date = finalDay.GetProperty("date").GetString()!;
        Assert.Equal(new[] { date }, ready.GetProperty("finalized_dates").EnumerateArray().Select(d => d.GetString()!).ToArray());
        Assert.Equal("FINALIZED", finalDay.GetProperty("status").GetString());
        Assert.Equal("VALUE", finalDay.GetProperty("kind").GetString());
        Assert.Equal(sentSum, finalDay.GetProperty("sum").GetDouble());

        var ratioDay = Assert.Single(days, l => l.GetProperty("metric").GetString() == ratioMetric);
        Assert.Equal("FINALIZED", ratioDay.GetProperty("status").GetString());
        Assert.Equal("RATIO", ratioDay.GetProperty("kind").GetString());
        Assert.Equal(sentNumerator, ratioDay.GetProperty("numerator_sum").GetDouble());
        Assert.Equal(sentDenominator, ratioDay.GetProperty("denominator_sum").GetDouble());

        // The same day, seen through the C# client.
        var headers = ProjectKeys.Headers(project.ServerSecret);
        var day = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = metric, Date = date }, headers);
        Assert.Equal(DayStatus.Finalized, day.Status);
        Assert.Equal(MetricKind.Value, day.Kind);
        Assert.Equal(sentSum, day.Overall.Sum);
        var ratio = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = ratioMetric, Date = date }, headers);
        Assert.Equal(DayStatus.Finalized, ratio.Status);
        Assert.Equal(sentNumerator, ratio.Overall.NumeratorSum);
        Assert.Equal(sentDenominator, ratio.Overall.DenominatorSum);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunNodeAsync(
        string workingDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo("node", ["client.js"])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            if (value is null)
                start.Environment.Remove(key);
            else
                start.Environment[key] = value;
        }

        Process node;
        try
        {
            node = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"could not start `node` (is Node.js 18+ on PATH?): {e.Message}");
            throw;
        }
        using (node)
        {
            var stdout = node.StandardOutput.ReadToEndAsync();
            var stderr = node.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(Timeout);
            try
            {
                await node.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                node.Kill(entireProcessTree: true);
                Assert.Fail($"node client.js did not finish within {Timeout}\nstdout:\n{await stdout}\nstderr:\n{await stderr}");
            }
            return (node.ExitCode, await stdout, await stderr);
        }
    }
}
