namespace Metrics.Domain;

/// <summary>A record that passed validation, with its Pacific day resolved.</summary>
public readonly record struct ValidRecord(string MetricName, PacificDay Day, UnitKey Unit, Measurement Measurement);
