using System.Diagnostics;
using Metrics.Bench.Hosting;
using Metrics.Bench.Load;
using Metrics.Contracts.V1;

namespace Metrics.Bench.Scenarios;

/// <summary>S5: MarkDataReady with the end of S1's Pacific day seals the 20 metric-days S1 wrote.</summary>
public static class SealScenario
{
    public const string Title = "MarkDataReady sealing S1's day (20 metrics × 100,000 units)";

    public static Task<ScenarioResult> RunAsync(BenchContext context, MetricsServerProcess node) =>
        context.MeasureAsync("S5", Title, async (result, _) =>
        {
            var s1 = context.Results.FirstOrDefault(r => r.Id == "S1");
            if (s1 is not { Status: ScenarioStatus.Completed })
                throw new InvalidOperationException("S1 did not complete, so its day is not the one to seal");
            using var channel = node.CreateChannel();
            var headers = BenchProject.Ingest.SecretHeaders;
            var readiness = new ReadinessService.ReadinessServiceClient(channel);
            var request = new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(context.Date), Type = "metrics" };

            var clock = Stopwatch.StartNew();
            var reply = await readiness.MarkDataReadyAsync(request, headers, DateTime.UtcNow.AddMinutes(3));
            var seconds = clock.Elapsed.TotalSeconds;
            if (!reply.FinalizedDates.Contains(context.Date))
                throw new InvalidOperationException($"MarkDataReady answered finalized_dates [{string.Join(", ", reply.FinalizedDates)}], without {context.Date}");
            result.Add(new Figure("seal_seconds", "MarkDataReady", seconds, "s", Target.Max(1)));

            var metrics = new MetricsService.MetricsServiceClient(channel);
            var units = 0L;
            foreach (var metric in context.IngestWorkload("s1").MetricNames)
            {
                var day = await metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = metric, Date = context.Date }, headers, DateTime.UtcNow.AddMinutes(1));
                if (day.Status != DayStatus.Finalized)
                    throw new InvalidOperationException($"{metric} {context.Date} is {day.Status} after the seal");
                units += day.Overall.UnitCount;
            }
            result.Add(new Figure("units_sealed", "units sealed", units, "units"));
            result.Notes.Add($"MarkDataReady(timestamp {request.Timestamp}, the end of {context.Date} in Pacific time); every metric-day then reads FINALIZED");
        });
}
