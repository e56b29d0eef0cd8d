using Spectre.Console;

namespace Metrics.Cli.Output;

internal static class Terminal
{
    /// <summary>Standard output is a terminal a live display can redraw; else output is plain lines, one per event.</summary>
    public static bool IsInteractive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
}
