namespace Metrics.Client.Uploads;

/// <summary>
/// Cuts rows into chunks of one day each, in a way that depends only on the rows' order: a day's rows go out when
/// <see cref="UploadOptions.ChunkSize"/> of them are held; past <see cref="UploadOptions.MaxBufferedRows"/> held in
/// all, the largest day's go out as a short chunk; at the end the rest, day by day. One day a chunk means a
/// refusal for a sealed day concerns the whole chunk, and no call spans many days. Rows refused before they are sent
/// (<see cref="UploadRow.Problem"/>) are held together, whatever their date, and make chunks that send nothing.
/// </summary>
internal sealed class DayChunker(UploadOptions options)
{
    private readonly Dictionary<string, List<UploadRow>> _held = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _sequences = new(StringComparer.Ordinal);
    private int _heldRows;

    /// <summary>Adds a row; the chunks it completes, if any.</summary>
    public IEnumerable<UploadChunk> Add(UploadRow row)
    {
        var date = row.Problem is null ? row.Record.Date : "";
        if (!_held.TryGetValue(date, out var rows))
            _held[date] = rows = new List<UploadRow>(Math.Min(options.ChunkSize, 1024));
        rows.Add(row);
        _heldRows++;
        if (rows.Count == options.ChunkSize)
            yield return Take(date);
        else if (_heldRows > options.MaxBufferedRows)
            yield return Take(_held.OrderByDescending(d => d.Value.Count).ThenBy(d => d.Key, StringComparer.Ordinal).First().Key);
    }

    /// <summary>The rows still held, a chunk per day in date order.</summary>
    public IEnumerable<UploadChunk> Rest()
    {
        foreach (var date in _held.Keys.Order(StringComparer.Ordinal).ToList())
            yield return Take(date);
    }

    private UploadChunk Take(string date)
    {
        var rows = _held[date];
        _held.Remove(date);
        _heldRows -= rows.Count;
        var sequence = _sequences.GetValueOrDefault(date);
        _sequences[date] = sequence + 1;
        return new UploadChunk(date, sequence, rows);
    }
}
