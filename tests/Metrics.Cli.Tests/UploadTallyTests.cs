using Metrics.Client.Uploads;

namespace Metrics.Cli.Tests;

/// <summary>The rejected rows an upload's report lists once there are more than it keeps.</summary>
public sealed class UploadTallyTests
{
    [Fact]
    public void Past_the_listed_limit_the_rows_kept_are_those_of_the_lowest_numbers_whatever_order_they_came_in()
    {
        var tally = new UploadTally();
        // The last rows first, as parallel calls may end: the first 100,000 to come are not the first 100,000 rows.
        foreach (var chunk in Enumerable.Range(1, UploadTally.MaxListedRejections + 500).Reverse().Chunk(1000))
            tally.Rejected(chunk.Select(i => new RejectedRow(i, "date", "the day is sealed")));

        var report = tally.Report();

        Assert.Equal(UploadTally.MaxListedRejections + 500, report.RowsRejected);
        Assert.Equal(Enumerable.Range(1, UploadTally.MaxListedRejections).Select(i => (long)i), report.Rejected.Select(r => r.Row));
    }
}
