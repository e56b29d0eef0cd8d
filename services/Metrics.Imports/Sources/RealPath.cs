using System.Runtime.InteropServices;

namespace Metrics.Imports.Sources;

/// <summary>
/// The real path of a file, as the operating system opens it: every symbolic link on the way followed, <c>.</c> and
/// <c>..</c> resolved — <c>realpath(3)</c> of the C library (the server runs on Linux). .NET resolves a link only in
/// the last component of a path, and a link in a directory on the way can lead anywhere.
/// </summary>
internal static class RealPath
{
    /// <summary>The real path of <paramref name="path"/>, or null when there is none (no such file, a broken link, a loop of links).</summary>
    public static string? Of(string path)
    {
        var resolved = realpath(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
            return null;
        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            free(resolved);
        }
    }

    /// <summary>With no buffer given, the C library allocates the result, which <see cref="free"/> releases. The path goes as UTF-8.</summary>
    [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern IntPtr realpath(string path, IntPtr resolved);

    [DllImport("libc")]
    private static extern void free(IntPtr pointer);
}
