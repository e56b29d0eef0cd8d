using System.Runtime;

namespace Metrics.Cli;

/// <summary>
/// The methods a command compiled as it started, recorded for its next run: the runtime then compiles them on other
/// cores ahead of need (multicore JIT). The tool's code is fully optimized from its first call, so compiling is most of
/// its start-up (an upload of 10,000 rows took 0.9 s without it, 0.65 s with it). A profile per command, under the user's
/// data folder (<c>$XDG_DATA_HOME</c> or <c>~/.local/share</c>, then <c>metrics/startup</c>); without a writable one
/// the tool runs as it would, only slower to start.
/// </summary>
internal static class StartupProfile
{
    public static void Start(string[] args)
    {
        try
        {
            var data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            if (!Path.IsPathRooted(data))
                return; // no home: never a folder in the working directory
            var folder = Path.Combine(data, "metrics", "startup");
            Directory.CreateDirectory(folder);
            ProfileOptimization.SetProfileRoot(folder);
            ProfileOptimization.StartProfile($"{Command(args)}.profile");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only or missing home: the profile is an optimization, not a need.
        }
    }

    /// <summary>The command's name: the first argument when it is a plain word, one profile for everything else.</summary>
    private static string Command(string[] args) =>
        args.Length > 0 && args[0].Length is > 0 and <= 32 && args[0].All(char.IsAsciiLetterLower) ? args[0] : "other";
}
