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

    /// <summary>Every sealed version, oldest first; none while the day is open.</summary>
    Task<MetricDayVersionView[]> Versions();

    /// <summary>What the day holds and where it came from, for an import run deciding whether to load it.</summary>
    Task<MetricDayContent> Content();

    /// <summary>
    /// Holds rows of an import's load in this activation, invisible to readers until <see cref="CommitLoad"/>. A load
    /// is staged in chunks of bounded size, so no grain call carries a whole day. No rows keeps the load from expiring.
    /// <paramref name="expectedUnits"/>, the load's rows as the source counted them, sizes the load's units at its first
    /// chunk, so that they are not grown (and copied) again and again as its chunks come.
    /// </summary>
    Task StageLoad(Guid loadId, UnitRow[] rows, long expectedUnits = 0);

    /// <summary>Swaps the staged rows in, as one write: readers see the day before the load or after it, never a mix.</summary>
    Task<LoadOutcome> CommitLoad(LoadCommit commit);

    /// <summary>Drops staged rows that will not be committed.</summary>
    Task DiscardLoad(Guid loadId);
}
