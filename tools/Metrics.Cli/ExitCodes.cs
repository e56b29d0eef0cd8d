namespace Metrics.Cli;

/// <summary>SPEC §8's exit codes.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The server refused a request (the status and its message are printed), or an upload had rows refused.</summary>
    public const int Refused = 1;

    /// <summary>The command line is wrong: an unknown option, a missing argument, a malformed date, a file that is not in the import schema.</summary>
    public const int Usage = 2;
}

/// <summary>A command given wrongly, in words for its user; exits with <see cref="ExitCodes.Usage"/>.</summary>
internal sealed class UsageException(string message) : Exception(message);
