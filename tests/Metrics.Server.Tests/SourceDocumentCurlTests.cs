using System.Diagnostics;
using System.Text.Json;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests;

/// <summary>The two curl calls of the source document, as written there but for host, port, key and straight quotes.</summary>
public sealed class SourceDocumentCurlTests
{
    [Fact]
    public async Task MarkDataReadyCurlSucceeds()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var output = await CurlAsync(
            "--location", "--request", "POST", $"{server.Process.JsonAddress}v1/mark_data_ready",
            "--header", $"statsig-api-key: {project.ServerSecret}",
            "--header", "Content-Type: application/json",
            "--data-raw", "{\n\"timestamp\": 1647975283,\n\"type\": \"metrics\"\n}");

        using var body = JsonDocument.Parse(output);
        Assert.True(body.RootElement.GetProperty("success").GetBoolean());
        Assert.Equal(1647975283, body.RootElement.GetProperty("watermark").GetInt64());
    }

    [Fact]
    public async Task LogCustomMetricCurlSucceeds()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var output = await CurlAsync(
            $"{server.Process.JsonAddress}v1/log_custom_metric",
            "--header", $"statsig-api-key: {project.IngestKey}",
            "--header", "Content-Type: application/json",
            "--request", "POST",
            "--data", "{\"isTest\": true, \"metrics\": [{\"user_id\": \"1237\", \"metric_name\": \"test_metric\", \"id_type\": \"user_id\", \"metric_value\": 90}, {\"user_id\": \"4568\", \"metric_name\": \"ratio\", \"id_type\": \"stable_id\", \"numerator\": 3, \"denominator\": 15}]}");

        using var body = JsonDocument.Parse(output);
        Assert.True(body.RootElement.GetProperty("success").GetBoolean());
        Assert.Equal(2, body.RootElement.GetProperty("accepted").GetInt32());
    }

    private static async Task<string> CurlAsync(params string[] args)
    {
        var start = new ProcessStartInfo("curl", ["--silent", "--show-error", .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var curl = Process.Start(start)!;
        var output = await curl.StandardOutput.ReadToEndAsync();
        var error = await curl.StandardError.ReadToEndAsync();
        await curl.WaitForExitAsync();
        Assert.True(curl.ExitCode == 0, $"curl failed ({curl.ExitCode}): {error}");
        return output;
    }
}
