using Microsoft.Extensions.Options;

namespace Metrics.Server.Configuration;

/// <summary>The failures of configured numbers below their least valid value, each naming its configuration key.</summary>
internal sealed class MinimumChecks
{
    private readonly List<string> _failures = [];

    public MinimumChecks AtLeast(string key, long value, long minimum)
    {
        if (value < minimum)
            _failures.Add($"{key} must be at least {minimum}, got {value}");
        return this;
    }

    public ValidateOptionsResult Result() => _failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);
}
