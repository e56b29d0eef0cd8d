using System.Net;
using System.Text.Json;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests.Imports;

/// <summary>ImportService's definitions and errors, over gRPC and JSON: each refusal names its field and has its code.</summary>
[Collection(ImportCollection.Name)]
public sealed class ImportDefinitionTests(ImportServer server)
{
    [Theory]
    [InlineData("Bad Id", "warehouse", "", "import.import_id")]
    [InlineData("ok", "nowhere", "", "import.source")]
    [InlineData("ok", "warehouse", "every day", "import.schedule")]
    [InlineData("ok", "warehouse", "daily@25:00", "import.schedule")]
    public async Task AnInvalidDefinitionIsRefusedNamingItsField(string importId, string source, string schedule, string field)
    {
        var key = server.NewProject().SecretHeaders;
        var error = await Assert.ThrowsAsync<RpcException>(() => server.Imports.CreateAsync(key, importId, source, "SELECT 1", i => i.Schedule = schedule));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(field.Split('.')[1], error.Status.Detail);
        var details = error.GetRpcStatus()!.Details.Single().Unpack<Google.Rpc.BadRequest>();
        Assert.Equal(field, Assert.Single(details.FieldViolations).Field);
    }

    [Fact]
    public async Task ATakenIdIsAlreadyExistsAnUnknownOneNotFoundAndAnIngestKeyMayNotCall()
    {
        var project = server.NewProject();
        var key = project.SecretHeaders;
        await server.Imports.CreateAsync(key, "taken", "warehouse", "SELECT 1");

        var taken = await Assert.ThrowsAsync<RpcException>(() => server.Imports.CreateAsync(key, "taken", "warehouse", "SELECT 2"));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => server.Imports.RunImportAsync(new RunImportRequest { ImportId = "nope" }, key).ResponseAsync);
        var ingestKey = await Assert.ThrowsAsync<RpcException>(() =>
            server.Imports.ListImportsAsync(new ListImportsRequest(), project.IngestHeaders).ResponseAsync);
        var badWindow = await Assert.ThrowsAsync<RpcException>(() =>
            server.Imports.RunImportAsync(new RunImportRequest { ImportId = "taken", FromDate = "2026-02-10", ToDate = "2026-02-01" }, key).ResponseAsync);

        Assert.Equal(StatusCode.AlreadyExists, taken.StatusCode);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, ingestKey.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, badWindow.StatusCode);
        Assert.Contains("from_date", badWindow.Status.Detail);
    }

    [Fact]
    public async Task OfConcurrentCreationsOfOneIdExactlyOneIsCreated()
    {
        var key = server.NewProject().SecretHeaders;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            try
            {
                await server.Imports.CreateAsync(key, "contested", "warehouse", $"SELECT {i}");
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        }));

        Assert.Single(outcomes, StatusCode.OK);
        Assert.Equal(9, outcomes.Count(s => s == StatusCode.AlreadyExists));
        var listed = await server.Imports.ListImportsAsync(new ListImportsRequest(), key);
        Assert.Single(listed.Imports, i => i.ImportId == "contested");
    }

    [Fact]
    public async Task TheJsonRoutesCreateRunAndListAnImport()
    {
        var project = server.NewProject();
        await using var database = server.OpenDatabase();
        var table = await WarehouseTable.CreateAsync(database, $"json_{project.Name}", ImportRow.Sample(seed: 31, ["2026-02-25"], units: 4));
        using var create = new HttpRequestMessage(HttpMethod.Post, "/v1/imports")
        {
            Content = JsonContent($$"""{"importId": "via_json", "source": "warehouse", "query": "SELECT * FROM {{table.Name}}", "max_rejected_rows": 3}"""),
        };
        create.Headers.Add("statsig-api-key", project.ServerSecret);
        using var created = await server.Http.SendAsync(create);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        using (var import = JsonDocument.Parse(await created.Content.ReadAsStringAsync()))
            Assert.Equal(3, import.RootElement.GetProperty("maxRejectedRows").GetInt32());

        using var start = new HttpRequestMessage(HttpMethod.Post, "/v1/imports/via_json/runs") { Content = JsonContent("""{"fromDate": "2026-02-25", "toDate": "2026-02-25"}""") };
        start.Headers.Add("statsig-api-key", project.ServerSecret);
        using var started = await server.Http.SendAsync(start);
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        string runId;
        using (var run = JsonDocument.Parse(await started.Content.ReadAsStringAsync()))
            runId = run.RootElement.GetProperty("runId").GetString()!;

        using var watch = new HttpRequestMessage(HttpMethod.Get, $"/v1/imports/via_json/runs/{runId}/watch");
        watch.Headers.Add("statsig-api-key", project.ServerSecret);
        using var watched = await server.Http.SendAsync(watch);
        var lines = await watched.Content.ReadAsStringAsync(); // the stream ends with the run
        Assert.Contains("\"SUCCEEDED\"", lines);

        using var list = new HttpRequestMessage(HttpMethod.Get, "/v1/imports/via_json/runs");
        list.Headers.Add("statsig-api-key", project.ServerSecret);
        using var listed = await server.Http.SendAsync(list);
        using var runs = JsonDocument.Parse(await listed.Content.ReadAsStringAsync());
        var only = Assert.Single(runs.RootElement.GetProperty("runs").EnumerateArray());
        Assert.Equal((runId, "SUCCEEDED", "13"), (only.GetProperty("runId").GetString(), only.GetProperty("status").GetString(), only.GetProperty("rowsApplied").ToString()));
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    /// <summary>A client's ID is never echoed whole: a megabyte of it in gRPC's trailers is a protocol error, not an answer.</summary>
    [Fact]
    public async Task AnImportIdNoImportCanHaveIsInvalidArgumentAndAHugeRunIdNotFoundBothQuotedShort()
    {
        var key = server.NewProject().SecretHeaders;
        await server.Imports.CreateAsync(key, "known", "warehouse", "SELECT 1");
        var huge = new string('x', 1 << 20);
        Func<Task>[] calls =
        [
            () => server.Imports.GetImportAsync(new GetImportRequest { ImportId = huge }, key).ResponseAsync,
            () => server.Imports.DeleteImportAsync(new DeleteImportRequest { ImportId = huge }, key).ResponseAsync,
            () => server.Imports.RunImportAsync(new RunImportRequest { ImportId = huge }, key).ResponseAsync,
            () => server.Imports.ListImportRunsAsync(new ListImportRunsRequest { ImportId = "Not An Id" }, key).ResponseAsync,
            async () =>
            {
                using var watch = server.Imports.WatchImportRun(new WatchImportRunRequest { ImportId = huge, RunId = "r" }, key);
                await watch.ResponseStream.MoveNext();
            },
        ];
        foreach (var call in calls)
        {
            var error = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Equal("import_id", Assert.Single(error.GetRpcStatus()!.Details.Single().Unpack<Google.Rpc.BadRequest>().FieldViolations).Field);
            Assert.True(error.Status.Detail.Length < 1024, $"a message of {error.Status.Detail.Length} characters");
        }

        using var run = server.Imports.WatchImportRun(new WatchImportRunRequest { ImportId = "known", RunId = huge }, key);
        var unknownRun = await Assert.ThrowsAsync<RpcException>(() => run.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.NotFound, unknownRun.StatusCode);
        Assert.True(unknownRun.Status.Detail.Length < 1024, $"a message of {unknownRun.Status.Detail.Length} characters");
    }
}
