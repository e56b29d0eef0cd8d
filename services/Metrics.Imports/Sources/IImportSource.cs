using Metrics.Domain;
using Metrics.Imports.Schema;

namespace Metrics.Imports.Sources;

/// <summary>
/// A configured place that yields rows of the warehouse-import schema (<c>unit_id</c> or <c>user_id</c>,
/// <c>id_type</c>, <c>date</c>, <c>metric_name</c>, <c>metric_value</c>, <c>numerator</c>, <c>denominator</c>,
/// optional <c>is_test</c>) for an inclusive range of Pacific days, and fingerprints of them per metric and day.
/// Failures are <see cref="SourceException"/>s whose message is written for the person who defined the import.
/// </summary>
public interface IImportSource
{
    /// <summary>
    /// One fingerprint per (metric, day) among the rows of <paramref name="query"/> for
    /// [<paramref name="from"/>, <paramref name="to"/>], computed by the source where it can (one GROUP BY).
    /// </summary>
    Task<IReadOnlyList<DayFingerprint>> FingerprintAsync(string query, PacificDay from, PacificDay to, CancellationToken cancellationToken);

    /// <summary>The rows of <paramref name="query"/> for [<paramref name="from"/>, <paramref name="to"/>], streamed, never held whole.</summary>
    IAsyncEnumerable<SourceRow> ReadAsync(string query, PacificDay from, PacificDay to, CancellationToken cancellationToken);

    /// <summary>The latest <c>finished_date</c> the signal query returns, or null when it returns none.</summary>
    Task<PacificDay?> FinishedDateAsync(string signalQuery, CancellationToken cancellationToken);
}
