using Metrics.Imports;
using Microsoft.Extensions.Options;

namespace Metrics.Server.Configuration;

/// <summary>
/// Refuses, at start-up, an import schedule checked more often than every second, and a run lease that its renewal
/// does not keep well inside (three renewals per lease at least), naming their keys.
/// </summary>
internal sealed class ImportOptionsValidator : IValidateOptions<ImportOptions>
{
    private const string Section = ImportOptions.Section;

    public ValidateOptionsResult Validate(string? name, ImportOptions options)
    {
        var failures = new List<string>();
        if (options.ScheduleCheckPeriod < TimeSpan.FromSeconds(1))
            failures.Add($"{Section}:{nameof(options.ScheduleCheckPeriod)} must be at least one second");
        if (options.RunLeaseRenewal <= TimeSpan.Zero)
            failures.Add($"{Section}:{nameof(options.RunLeaseRenewal)} must be above zero, got {options.RunLeaseRenewal}");
        else if (options.RunLease < 3 * options.RunLeaseRenewal)
            failures.Add($"{Section}:{nameof(options.RunLease)} must be at least three times {Section}:{nameof(options.RunLeaseRenewal)} ({options.RunLeaseRenewal}), got {options.RunLease}");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
