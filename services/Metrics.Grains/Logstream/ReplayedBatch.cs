namespace Metrics.Grains.Logstream;

/// <summary>
/// A batch read back from the retained Logstream. <see cref="TrimmedBefore"/>: the batch expected next was trimmed
/// (retention overtook the reader) before it could be read, so batches between the previous one and this are lost.
/// </summary>
public readonly record struct ReplayedBatch(StoredBatch Stored, bool TrimmedBefore);
