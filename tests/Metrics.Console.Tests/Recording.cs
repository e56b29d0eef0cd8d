using Grpc.Core;
using Metrics.Contracts.V1;

namespace Metrics.Console.Tests;

/// <summary>Records sent the way a pipeline sends them, over gRPC with the project's ingest key.</summary>
public static class Recording
{
    public static MetricRecord Value(string user, string metric, double value, string date, string idType = "user_id") =>
        new() { UserId = user, IdType = idType, MetricName = metric, MetricValue = value, Date = date };

    public static MetricRecord Ratio(string user, string metric, double numerator, double denominator, string date) =>
        new() { UserId = user, IdType = "user_id", MetricName = metric, Numerator = numerator, Denominator = denominator, Date = date };

    public static async Task IngestAsync(this ConsoleServer server, ProjectKeys project, bool isTest, params MetricRecord[] records)
    {
        var reply = await server.Ingest.LogCustomMetricAsync(new LogCustomMetricRequest { IsTest = isTest, Metrics = { records } }, project.IngestHeaders);
        Assert.Equal(records.Length, reply.Accepted);
    }

    public static Task IngestAsync(this ConsoleServer server, ProjectKeys project, params MetricRecord[] records) =>
        server.IngestAsync(project, isTest: false, records);

    /// <summary>A request the server refuses whole (an unknown id_type), which the Logstream shows as REJECTED.</summary>
    public static async Task IngestRefusedAsync(this ConsoleServer server, ProjectKeys project, MetricRecord record)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            server.Ingest.LogCustomMetricAsync(new LogCustomMetricRequest { Metrics = { record } }, project.IngestHeaders).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    public static async Task SealThroughAsync(this ConsoleServer server, ProjectKeys project, string date) =>
        await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(date) }, project.SecretHeaders);
}
