using Metrics.Domain.Health;
using Microsoft.Extensions.Options;

namespace Metrics.Server.Configuration;

/// <summary><c>Metrics:Health</c>: when the data health checks of each metric-day warn (defaults in <see cref="HealthThresholds"/>).</summary>
internal sealed class HealthOptions
{
    public const string Section = "Metrics:Health";

    public double Swing { get; set; } = HealthThresholds.Default.Swing;

    public double UnitShare { get; set; } = HealthThresholds.Default.UnitShare;

    public int ConcentrationMinUnits { get; set; } = HealthThresholds.Default.ConcentrationMinUnits;

    public double RejectedShare { get; set; } = HealthThresholds.Default.RejectedShare;

    public HealthThresholds Thresholds => new(Swing, UnitShare, ConcentrationMinUnits, RejectedShare);
}

internal sealed class HealthOptionsValidator : IValidateOptions<HealthOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions options) =>
        options.Thresholds.Problem() is { } problem ? ValidateOptionsResult.Fail($"{HealthOptions.Section}: {problem}") : ValidateOptionsResult.Success;
}
