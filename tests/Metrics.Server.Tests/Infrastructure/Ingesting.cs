using Grpc.Core;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests.Infrastructure;

/// <summary>The records and calls most end-to-end tests start from; <c>using static</c> it.</summary>
public static class Ingesting
{
    public static MetricRecord Record(string user, string metric, double value, string date, string idType = "user_id") =>
        new() { UserId = user, IdType = idType, MetricName = metric, MetricValue = value, Date = date };

    /// <summary>Ingests the records with the project's ingest key and asserts that every one was accepted.</summary>
    public static Task IngestAsync(SharedServer server, ProjectKeys project, params MetricRecord[] records) =>
        IngestAsync(server, project, false, records);

    public static async Task IngestAsync(SharedServer server, ProjectKeys project, bool isTest, params MetricRecord[] records)
    {
        var request = new LogCustomMetricRequest { IsTest = isTest, Metrics = { records } };
        var reply = await server.Ingest.LogCustomMetricAsync(request, ProjectKeys.Headers(project.IngestKey));
        Assert.True(reply.Success);
        Assert.Equal(records.Length, reply.Accepted);
    }

    /// <summary>The next message of a server stream; fails the test when the stream ended.</summary>
    public static async Task<T> NextAsync<T>(AsyncServerStreamingCall<T> call, CancellationToken cancellationToken)
    {
        Assert.True(await call.ResponseStream.MoveNext(cancellationToken), $"the {typeof(T).Name} stream ended");
        return call.ResponseStream.Current;
    }
}
