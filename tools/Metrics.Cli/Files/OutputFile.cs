namespace Metrics.Cli.Files;

/// <summary>
/// A file the command writes once its transfer is done, checked before the transfer starts: a path that cannot be
/// written (no such directory, no permission, a directory) is a usage error at once, not after the whole transfer.
/// The check writes nothing over a file that is there, and leaves no file that was not.
/// </summary>
internal static class OutputFile
{
    /// <summary>
    /// Checks that <paramref name="path"/> (and <paramref name="alsoAt"/>, a file first written beside it) can be
    /// written, or throws a <see cref="UsageException"/> naming <paramref name="option"/>, the path given and why not.
    /// </summary>
    public static void Check(string option, string path, string? alsoAt = null)
    {
        Probe(option, path, path);
        if (alsoAt is not null)
            Probe(option, path, alsoAt);
    }

    private static void Probe(string option, string path, string probe)
    {
        if (Directory.Exists(probe))
            throw new UsageException($"{option} {path}: cannot be written: it is a directory");
        var existed = File.Exists(probe);
        try
        {
            new FileStream(probe, FileMode.OpenOrCreate, FileAccess.Write).Dispose();
            if (!existed)
                File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var why = e switch
            {
                DirectoryNotFoundException => "its directory does not exist",
                UnauthorizedAccessException => "no permission to write it",
                _ => e.Message,
            };
            throw new UsageException($"{option} {path}: cannot be written: {why}");
        }
    }
}
