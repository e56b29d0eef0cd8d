using System.Net;
using System.Text.Json;
using Google.Rpc;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using static Metrics.Server.Tests.Infrastructure.Ingesting;

namespace Metrics.Server.Tests;

/// <summary>
/// An <c>after_cursor</c> beyond the newest entry of the project's Logstream (one it never gave) is OUT_OF_RANGE on
/// <c>after_cursor</c>, as one older than the retained window is: resuming after it would skip, unannounced, every
/// entry up to it. The newest entry's own cursor resumes.
/// </summary>
public sealed class LogstreamCursorAheadTests
{
    private const string Metric = "cursor_ahead";
    private const string FarAhead = "99999999999999-0.0";
    private static readonly TimeSpan StreamTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ACursorBeyondTheNewestEntryIsOutOfRangeOverGrpcAndJson()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        await IngestAsync(server, project, Record("u1", Metric, 1, "2026-05-10"));
        var newest = await NewestCursorAsync(server, project);
        var justAhead = $"{long.Parse(newest.Split('-')[0]) + 1}-0.0";

        foreach (var cursor in (string[])[FarAhead, justAhead])
        {
            await AssertOutOfRangeOverGrpcAsync(server, project, cursor);
            await AssertOutOfRangeOverJsonAsync(server, project, cursor);
        }
    }

    [Fact]
    public async Task OnAnEmptyLogstreamEveryCursorIsOutOfRange()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();

        await AssertOutOfRangeOverGrpcAsync(server, project, "1-0.0");
        await AssertOutOfRangeOverJsonAsync(server, project, FarAhead);
    }

    [Fact]
    public async Task TheNewestEntrysCursorResumesWithTheEntriesAfterIt()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        await IngestAsync(server, project, Record("u1", Metric, 1, "2026-05-10"));
        var newest = await NewestCursorAsync(server, project);

        using var timeout = new CancellationTokenSource(StreamTimeout);
        using var resumed = await server.Logstream.SubscribeLiveAsync(
            new SubscribeRequest { AfterCursor = newest }, ProjectKeys.Headers(project.ServerSecret), timeout.Token);
        await IngestAsync(server, project, Record("u2", Metric, 2, "2026-05-10"));

        Assert.Equal("u2", (await resumed.TakeAsync(1, timeout.Token))[0].UserId);
    }

    private static async Task<string> NewestCursorAsync(SharedServer server, ProjectKeys project)
    {
        using var timeout = new CancellationTokenSource(StreamTimeout);
        using var backlog = server.Logstream.Subscribe(new SubscribeRequest { Backlog = 1 }, ProjectKeys.Headers(project.ServerSecret), cancellationToken: timeout.Token);
        return (await backlog.TakeAsync(1, timeout.Token))[0].Cursor;
    }

    private static async Task AssertOutOfRangeOverGrpcAsync(SharedServer server, ProjectKeys project, string cursor)
    {
        using var timeout = new CancellationTokenSource(StreamTimeout);
        using var call = server.Logstream.Subscribe(new SubscribeRequest { AfterCursor = cursor }, ProjectKeys.Headers(project.ServerSecret), cancellationToken: timeout.Token);
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(timeout.Token));

        Assert.Equal(StatusCode.OutOfRange, error.StatusCode);
        Assert.Contains("after_cursor", error.Status.Detail);
        Assert.Contains("beyond the newest entry", error.Status.Detail);
        Assert.Equal("after_cursor", Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
    }

    private static async Task AssertOutOfRangeOverJsonAsync(SharedServer server, ProjectKeys project, string cursor)
    {
        using var timeout = new CancellationTokenSource(StreamTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/logstream?after_cursor={Uri.EscapeDataString(cursor)}");
        request.Headers.Add("statsig-api-key", project.ServerSecret);
        using var response = await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var body = await response.Content.ReadAsStringAsync(timeout.Token);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        using var status = JsonDocument.Parse(body);
        Assert.Equal((int)StatusCode.OutOfRange, status.RootElement.GetProperty("code").GetInt32());
        Assert.Contains("after_cursor", status.RootElement.GetProperty("message").GetString());
    }
}
