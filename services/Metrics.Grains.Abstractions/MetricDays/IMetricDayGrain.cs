namespace Metrics.Grains.MetricDays;

/// <summary>One metric on one Pacific day in one project; keyed by <see cref="MetricDayId.Key"/>.</summary>
public interface IMetricDayGrain : IGrainWithStringKey
{
    /// <summary>Durably applies a slice, and announces it in the Logstream, unless the day is sealed.</summary>
    Task<SliceOutcome> Apply(MetricSlice slice);

    /// <summary>Computes and stores the final aggregates; no later write changes them. Idempotent.</summary>
    Task Seal();

    /// <summary>Whether the day holds the slice of the request with this idempotency key and fingerprint, sealed or not.</summary>
    Task<bool> HoldsSlice(string idempotencyKey, string fingerprint);

    /// <summary>The detail view, or null when the day holds no data (no production data, unless <paramref name="includeTest"/>).</summary>
    Task<MetricDayView?> View(bool includeTest);

    /// <summary>The production units of a sealed day; <see cref="ExportStatus.NoData"/> for a day without production data.</summary>
    Task<ExportPage> Export(int offset, int count);
}
