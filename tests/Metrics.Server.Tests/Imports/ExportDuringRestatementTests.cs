using System.Text;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests.Imports;

/// <summary>
/// An export streams a sealed day in pages of the metric-day's units: a restatement between two pages would mix two
/// versions (and skip or repeat units, reordered by it). The export stops with <c>ABORTED</c> naming both versions,
/// and an export started afterwards streams the new version whole.
/// </summary>
[Collection(ImportCollection.Name)]
public sealed class ExportDuringRestatementTests(ImportServer server)
{
    private const string Day = "2026-02-11";
    private const int Units = 25_000;

    private static Task WriteAsync(string path, double value)
    {
        var csv = new StringBuilder("unit_id,id_type,date,metric_name,metric_value\n");
        for (var i = 0; i < Units; i++)
            csv.Append($"u{i:D6},user_id,{Day},big,{value}\n");
        return File.WriteAllTextAsync(path, csv.ToString());
    }

    [Fact]
    public async Task AnExportThatARestatementOvertakesIsAbortedAndTheNextExportHasTheNewVersionWhole()
    {
        var project = server.NewProject();
        var key = project.SecretHeaders;
        var folder = Directory.CreateDirectory(Path.Combine(server.Files.FullName, project.Name));
        var file = Path.Combine(folder.FullName, "big.csv");
        await WriteAsync(file, 1);
        await server.Imports.CreateAsync(key, "big", "files", $"{project.Name}/big.csv");
        Assert.Equal(ImportRunStatus.Succeeded, (await server.Imports.RunToEndAsync(key, "big", Day, Day)).Status);
        await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Day) }, key);

        // The export reads its first unit and waits: flow control holds the server within its first page.
        using var export = server.Metrics.ExportMetricDay(new ExportMetricDayRequest { MetricName = "big", Date = Day }, key);
        Assert.True(await export.ResponseStream.MoveNext());
        Assert.Equal(1, export.ResponseStream.Current.Value);

        await WriteAsync(file, 2);
        var restated = await server.Imports.RunToEndAsync(key, "big", Day, Day);
        Assert.Equal((ImportRunStatus.Succeeded, 1), (restated.Status, restated.DaysRestated));

        var read = 1;
        var aborted = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await export.ResponseStream.MoveNext())
                read++;
        });
        Assert.Equal(StatusCode.Aborted, aborted.StatusCode);
        Assert.Contains("restated to version 2 during the export of version 1", aborted.Status.Detail);
        Assert.True(read < Units, $"all {read} units were sent before the restatement");

        using var again = server.Metrics.ExportMetricDay(new ExportMetricDayRequest { MetricName = "big", Date = Day }, key);
        var values = new List<double>();
        while (await again.ResponseStream.MoveNext())
            values.Add(again.ResponseStream.Current.Value);
        Assert.Equal(Units, values.Count);
        Assert.All(values, v => Assert.Equal(2, v));
    }
}
