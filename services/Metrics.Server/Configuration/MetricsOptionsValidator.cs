using Microsoft.Extensions.Options;

namespace Metrics.Server.Configuration;

/// <summary>
/// Refuses, at start-up, a message limit below one byte and a negative rate limit (0 turns it off), naming the key.
/// The quotas have <see cref="QuotaOptionsValidator"/>.
/// </summary>
internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    private const string RateLimit = $"{MetricsOptions.Section}:{nameof(MetricsOptions.RateLimit)}";

    public ValidateOptionsResult Validate(string? name, MetricsOptions options) => new MinimumChecks()
        .AtLeast($"{MetricsOptions.Section}:{nameof(options.MaxMessageBytes)}", options.MaxMessageBytes, 1)
        .AtLeast($"{RateLimit}:{nameof(RateLimitOptions.RequestsPerSecond)}", options.RateLimit.RequestsPerSecond, 0)
        .AtLeast($"{RateLimit}:{nameof(RateLimitOptions.Burst)}", options.RateLimit.Burst, 0)
        .Result();
}
