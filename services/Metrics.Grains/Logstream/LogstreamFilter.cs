namespace Metrics.Grains.Logstream;

/// <summary>Which records a subscriber wants. Empty sets and an empty user ID mean all.</summary>
public sealed record LogstreamFilter(
    bool IncludeTest,
    bool IncludeRejected,
    IReadOnlySet<string> MetricNames,
    IReadOnlySet<string> IdTypes,
    string UserId)
{
    public bool MatchesBatch(LogstreamBatch batch) =>
        (IncludeTest || !batch.IsTest)
        && (IncludeRejected || !batch.Rejected)
        && (MetricNames.Count == 0 || batch.Rejected || MetricNames.Contains(batch.MetricName));

    /// <summary>The rows of a refused request each name their own metric.</summary>
    public bool MatchesRow(LogstreamBatch batch, int index)
    {
        var row = batch.Rows[index];
        return (IdTypes.Count == 0 || IdTypes.Contains(row.IdType)) && (UserId.Length == 0 || UserId == row.UserId)
            && (MetricNames.Count == 0 || !batch.Rejected || MetricNames.Contains(batch.MetricNameAt(index)));
    }

    /// <summary>The indexes of the batch's records that match, in order.</summary>
    public IEnumerable<int> Matches(LogstreamBatch batch)
    {
        if (!MatchesBatch(batch))
            yield break;
        for (var i = 0; i < batch.Rows.Length; i++)
            if (MatchesRow(batch, i))
                yield return i;
    }
}
