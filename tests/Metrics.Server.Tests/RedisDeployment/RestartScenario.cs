using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests.RedisDeployment;

/// <summary>
/// A node on its own Redis takes requests (each with an idempotency key) for two open days and one day it then
/// seals; a Logstream cursor is saved; the node is killed with SIGKILL and a new one started on the same Redis.
/// What the first node answered is recorded here for <see cref="RestartTests"/> to compare with the new node.
/// </summary>
public sealed class RestartScenario : IAsyncLifetime
{
    public const string SealedDay = "2026-04-02";
    public static readonly string[] OpenDays = ["2026-04-06", "2026-04-07"];

    public ProjectKeys Project { get; } = TestProject.Of(0);

    private RedisServerProcess? _redis;
    private MetricsServerProcess? _server;

    public NodeClient Client { get; private set; } = null!;

    /// <summary>Every request the first node applied, in order.</summary>
    public IReadOnlyList<LogCustomMetricRequest> Applied { get; } = Requests();

    /// <summary>Each metric-day as the first node answered it, with and without test records.</summary>
    public IReadOnlyList<MetricDay> DaysBeforeKill { get; private set; } = [];

    public Readiness ReadinessBeforeKill { get; private set; } = null!;

    /// <summary>The cursor of an entry in the middle of a request, saved before the kill.</summary>
    public string SavedCursor { get; private set; } = "";

    /// <summary>The Logstream entries after <see cref="SavedCursor"/> (test records included), as the first node streamed them.</summary>
    public IReadOnlyList<LogstreamEntry> EntriesAfterSavedCursor { get; private set; } = [];

    public Grpc.Core.Metadata Secret => ProjectKeys.Headers(Project.ServerSecret);

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        _server = await TestServers.StartOnRedisAsync(_redis.ConnectionString, "restart");
        Client = new NodeClient(_server);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        foreach (var request in Applied)
        {
            var reply = await Client.Ingest.LogCustomMetricAsync(request, ProjectKeys.Headers(Project.IngestKey), cancellationToken: timeout.Token);
            Assert.Equal(request.Metrics.Count, reply.Accepted);
        }
        var sealing = await Client.Readiness.MarkDataReadyAsync(
            new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(SealedDay) }, Secret, cancellationToken: timeout.Token);
        Assert.Equal([SealedDay], sealing.FinalizedDates);

        DaysBeforeKill = await ReadDaysAsync(timeout.Token);
        ReadinessBeforeKill = await Client.Readiness.GetReadinessAsync(new GetReadinessRequest(), Secret, cancellationToken: timeout.Token);
        await SaveCursorAsync(timeout.Token);

        await _server.KillAsync();
        await _server.StartAgainAsync();
    }

    /// <summary>Also after a failed start (xunit disposes a class fixture whose start threw): whatever was started.</summary>
    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_server is not null)
            await _server.DisposeAsync();
        if (_redis is not null)
            await _redis.DisposeAsync();
    }

    /// <summary>Every metric-day the scenario wrote to, read from the current node, in a fixed order.</summary>
    public async Task<IReadOnlyList<MetricDay>> ReadDaysAsync(CancellationToken cancellationToken)
    {
        var days = new List<MetricDay>();
        foreach (var (metric, date) in Applied.SelectMany(r => r.Metrics).Select(m => (m.MetricName, m.Date)).Distinct().Order())
            foreach (var includeTest in new[] { false, true })
                days.Add(await Client.Metrics.GetMetricDayAsync(
                    new GetMetricDayRequest { MetricName = metric, Date = date, IncludeTest = includeTest }, Secret, cancellationToken: cancellationToken));
        return days;
    }

    private async Task SaveCursorAsync(CancellationToken cancellationToken)
    {
        var records = Applied.Sum(r => r.Metrics.Count);
        using var replay = Client.Logstream.Subscribe(
            new SubscribeRequest { Backlog = records, IncludeTest = true }, Secret, cancellationToken: cancellationToken);
        var entries = await replay.TakeAsync(records, cancellationToken);
        Assert.Equal(
            Applied.SelectMany(r => r.Metrics).Select(m => $"{m.UserId}/{m.MetricName}/{m.Date}").Order(),
            entries.Select(e => $"{e.UserId}/{e.MetricName}/{e.Date}").Order());

        // An entry past the middle that is not the first of its batch: the resume point lies inside a batch.
        var saved = entries.Count / 2;
        while (entries[saved].Cursor.EndsWith(".0", StringComparison.Ordinal))
            saved++;
        SavedCursor = entries[saved].Cursor;
        EntriesAfterSavedCursor = entries[(saved + 1)..];
        Assert.NotEmpty(EntriesAfterSavedCursor);
    }

    private static List<LogCustomMetricRequest> Requests()
    {
        var requests = new List<LogCustomMetricRequest>
        {
            new()
            {
                IdempotencyKey = "sealed-day",
                Metrics =
                {
                    Value("s1", "revenue", 10, SealedDay),
                    Value("s2", "revenue", 20.5, SealedDay),
                    Ratio("s1", "ctr", 1, 4, SealedDay),
                },
            },
        };
        for (var i = 0; i < 6; i++)
        {
            var date = OpenDays[i % OpenDays.Length];
            requests.Add(new LogCustomMetricRequest
            {
                IdempotencyKey = $"open-{i}",
                IsTest = i == 4,
                Metrics =
                {
                    Value($"u{i}", "revenue", i + 1.25, date),
                    Value($"u{i + 1}", "revenue", 2 * i, date, idType: "stable_id"),
                    Value("u0", "revenue", 3, date),
                    Ratio($"u{i}", "ctr", i, 10, date),
                },
            });
        }
        return requests;
    }

    private static MetricRecord Value(string user, string metric, double value, string date, string idType = "user_id") =>
        new() { UserId = user, IdType = idType, MetricName = metric, MetricValue = value, Date = date };

    private static MetricRecord Ratio(string user, string metric, double numerator, double denominator, string date) =>
        new() { UserId = user, IdType = "user_id", MetricName = metric, Numerator = numerator, Denominator = denominator, Date = date };
}
