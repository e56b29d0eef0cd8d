using Metrics.Grains.Logstream;
using Microsoft.Extensions.Options;

namespace Metrics.Server.Configuration;

/// <summary>Refuses, at start-up, a Logstream bound of less than one entry, naming its key.</summary>
internal sealed class LogstreamOptionsValidator : IValidateOptions<LogstreamOptions>
{
    public const string Section = $"{MetricsOptions.Section}:Logstream";

    public ValidateOptionsResult Validate(string? name, LogstreamOptions options) => new MinimumChecks()
        .AtLeast($"{Section}:{nameof(options.MaxEntries)}", options.MaxEntries, 1)
        .AtLeast($"{Section}:{nameof(options.SubscriberBuffer)}", options.SubscriberBuffer, 1)
        .Result();
}
