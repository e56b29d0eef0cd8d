using System.Runtime.CompilerServices;
using Metrics.Domain;
using Metrics.Imports;
using Metrics.Imports.Schema;
using Metrics.Imports.Sources;

namespace Metrics.Grains.Tests;

/// <summary>
/// An import source of rows the test holds and changes, fingerprinted the way a warehouse's GROUP BY does it.
/// <see cref="Gate"/>, when set, holds every read until the test completes it.
/// </summary>
internal sealed class ListSource : IImportSource
{
    public List<SourceRow> Rows { get; } = [];

    public PacificDay? FinishedDate { get; set; }

    public TaskCompletionSource? Gate { get; set; }

    public void Add(string unit, string metric, string date, double? value, double? numerator = null, double? denominator = null, string idType = "user_id") =>
        Rows.Add(new SourceRow(Rows.Count + 1, unit, idType, date, metric, value, numerator, denominator, false));

    public Task<IReadOnlyList<DayFingerprint>> FingerprintAsync(string query, PacificDay from, PacificDay to, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DayFingerprint>>(InRange(from, to)
            .GroupBy(r => (r.MetricName, r.Date))
            .Select(g =>
            {
                var tally = new DayFingerprintTally();
                foreach (var row in g)
                    tally.Add(row);
                return tally.ToFingerprint(g.Key.MetricName, g.Key.Date);
            })
            .ToList());

    /// <summary>Reads begun, and reads ended (read to their end, or stopped by their reader).</summary>
    public int ReadsBegun => _readsBegun;

    public int ReadsEnded => _readsEnded;

    private int _readsBegun;
    private int _readsEnded;

    public async IAsyncEnumerable<SourceRow> ReadAsync(string query, PacificDay from, PacificDay to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _readsBegun);
        try
        {
            if (Gate is { } gate)
                await gate.Task;
            var rowNumber = 0;
            foreach (var row in InRange(from, to).ToList())
                yield return row with { RowNumber = ++rowNumber };
        }
        finally
        {
            Interlocked.Increment(ref _readsEnded);
        }
    }

    public Task<PacificDay?> FinishedDateAsync(string signalQuery, CancellationToken cancellationToken) => Task.FromResult(FinishedDate);

    private IEnumerable<SourceRow> InRange(PacificDay from, PacificDay to) =>
        Rows.Where(r => PacificDay.TryParse(r.Date, out var day) && day >= from && day <= to);
}

/// <summary>Every project has the default ID types and the sources the test registers by name.</summary>
internal sealed class ListSourceProjects : IImportProjects
{
    public Dictionary<string, IImportSource> Sources { get; } = [];

    public ProjectIdTypes IdTypes(string project) => new(ProjectIdTypes.Defaults);

    public IImportSource? Source(string project, string sourceName) => Sources.GetValueOrDefault(sourceName);
}
