using System.Text.Json;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests.Operations;

/// <summary>
/// SPEC §7 logs: structured, one event per seal with its fields, in JSON when the console formatter is set to
/// <c>json</c> (<c>Logging:Console:FormatterName</c>); never a key. A server of its own, whose output is read whole.
/// </summary>
public sealed class LogEventTests
{
    private const string Day = "2026-02-14";

    /// <summary>The event ID of <c>DaySealed</c> (README, Operations).</summary>
    private const int DaySealed = 1001;

    [Fact]
    public async Task ASealIsOneJsonEventWithItsFieldsAndNoKeyIsLogged()
    {
        await using var server = await TestServers.StartAsync(new Dictionary<string, string> { ["Logging:Console:FormatterName"] = "json" });
        using var channel = server.CreateChannel();
        var project = TestProject.Of(0);
        await new IngestService.IngestServiceClient(channel).LogCustomMetricAsync(new LogCustomMetricRequest
        {
            Metrics =
            {
                new MetricRecord { UserId = "u1", IdType = "user_id", MetricName = "logged_a", MetricValue = 1, Date = Day },
                new MetricRecord { UserId = "u1", IdType = "user_id", MetricName = "logged_b", MetricValue = 1, Date = Day },
            },
        }, project.IngestHeaders);
        var readiness = new ReadinessService.ReadinessServiceClient(channel);
        await readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Day) }, project.SecretHeaders);
        await readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Day) }, project.SecretHeaders); // seals nothing more

        var events = await EventuallyAsync(server, DaySealed);

        var sealedDay = Assert.Single(events).GetProperty("State");
        Assert.Equal((project.Name, Day, 2), (sealedDay.GetProperty("Project").GetString(), sealedDay.GetProperty("Date").GetString(), sealedDay.GetProperty("MetricDays").GetInt32()));
        Assert.Equal(PacificTime.EndOf(Day), sealedDay.GetProperty("Watermark").GetInt64());
        Assert.DoesNotContain(project.ServerSecret, server.Output);
        Assert.DoesNotContain(project.IngestKey, server.Output);
    }

    /// <summary>The JSON log entries of event <paramref name="eventId"/>, once the server has written at least one (its console is asynchronous).</summary>
    private static async Task<List<JsonElement>> EventuallyAsync(MetricsServerProcess server, int eventId)
    {
        for (var attempt = 0; ; attempt++)
        {
            var found = server.Output.Split('\n')
                .Where(line => line.StartsWith('{'))
                .Select(line => JsonDocument.Parse(line).RootElement)
                .Where(e => e.TryGetProperty("EventId", out var id) && id.GetInt32() == eventId)
                .ToList();
            if (found.Count > 0 || attempt == 50)
                return found;
            await Task.Delay(100);
        }
    }
}
