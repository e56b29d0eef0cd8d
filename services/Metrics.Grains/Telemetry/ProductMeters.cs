using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Metrics.Grains.Telemetry;

/// <summary>
/// The product's own instruments (SPEC §7), on the meter <see cref="MeterName"/>, which the admin endpoint exports in
/// the Prometheus format: counters get <c>_total</c> and the unit its suffix there (<c>metrics_records_accepted_total</c>,
/// <c>metrics_seal_duration_seconds</c>). Label values are bounded: configured project names, a fixed set of sources,
/// reasons, outcomes, RPC names and status codes — and import IDs, which a project's server secret creates. A metric
/// name is never a label. Gauges are of this node: the readiness grains and Logstream subscribers it holds.
/// </summary>
public sealed class ProductMeters
{
    public const string MeterName = "Metrics";

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _sealDuration;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _importRows;
    private readonly ConcurrentDictionary<string, (long Watermark, int OpenDays)> _readiness = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _subscribers = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;

    public ProductMeters(IMeterFactory factory, TimeProvider clock)
    {
        _clock = clock;
        var meter = factory.Create(MeterName);
        _accepted = meter.CreateCounter<long>("metrics_records_accepted", description: "Records stored, by project and source (api, import)");
        _rejected = meter.CreateCounter<long>("metrics_records_rejected", description: "Records refused, by project and reason");
        _requests = meter.CreateCounter<long>("metrics_requests", description: "RPCs answered, by project, RPC and status code");
        _sealDuration = meter.CreateHistogram<double>("metrics_seal_duration", unit: "s", description: "Time from a MarkDataReady that seals days until they are final");
        _dropped = meter.CreateCounter<long>("metrics_logstream_dropped", description: "Logstream entries a subscriber on this node lost because it fell behind");
        _importRows = meter.CreateCounter<long>("metrics_import_rows", description: "Import rows, by project, import and outcome (applied, rejected)");
        meter.CreateObservableGauge("metrics_watermark_lag", ObserveLag, unit: "s", description: "Now minus the watermark, for each project whose readiness is on this node");
        meter.CreateObservableGauge("metrics_open_days", () => _readiness.Select(r => new Measurement<int>(r.Value.OpenDays, Project(r.Key))),
            description: "Days holding data that no seal has closed yet, for each project whose readiness is on this node");
        meter.CreateObservableGauge("metrics_logstream_subscribers", () => _subscribers.Select(s => new Measurement<int>(s.Value, Project(s.Key))),
            description: "Logstream subscribers on this node");
    }

    public void Accepted(string project, string source, long records)
    {
        if (records > 0)
            _accepted.Add(records, Project(project), new("source", source));
    }

    public void Rejected(string project, string reason, long records)
    {
        if (records > 0)
            _rejected.Add(records, Project(project), new("reason", reason));
    }

    public void Request(string project, string rpc, string code) =>
        _requests.Add(1, Project(project), new("rpc", rpc), new("code", code));

    public void Sealed(TimeSpan took) => _sealDuration.Record(took.TotalSeconds);

    public void Dropped(string project, long entries)
    {
        if (entries > 0)
            _dropped.Add(entries, Project(project));
    }

    public void ImportRows(string project, string importId, string outcome, long rows)
    {
        if (rows > 0)
            _importRows.Add(rows, Project(project), new("import", importId), new("outcome", outcome));
    }

    /// <summary>The state of a project's readiness grain on this node, after its activation and every change.</summary>
    public void Readiness(string project, long watermark, int openDays) => _readiness[project] = (watermark, openDays);

    /// <summary>The project's readiness grain left this node.</summary>
    public void ReadinessGone(string project) => _readiness.TryRemove(project, out _);

    public void Subscribers(string project, int count)
    {
        if (count > 0)
            _subscribers[project] = count;
        else
            _subscribers.TryRemove(project, out _);
    }

    private IEnumerable<Measurement<double>> ObserveLag()
    {
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        return _readiness.Where(r => r.Value.Watermark > 0).Select(r => new Measurement<double>(now - r.Value.Watermark, Project(r.Key)));
    }

    private static KeyValuePair<string, object?> Project(string project) => new("project", project);
}
