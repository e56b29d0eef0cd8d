using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests;

/// <summary>A configured number out of its range stops the server's start with a message naming its key.</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Metrics:Logstream:MaxEntries", "0", "1")]
    [InlineData("Metrics:Quotas:LogstreamBytes", "0", "1")]
    [InlineData("Metrics:Logstream:SubscriberBuffer", "-1", "1")]
    [InlineData("Metrics:Projects:p3:Quotas:LogstreamSubscribers", "0", "1")]
    [InlineData("Metrics:MaxMessageBytes", "0", "1")]
    [InlineData("Metrics:RateLimit:RequestsPerSecond", "-1", "0")]
    [InlineData("Metrics:RateLimit:Burst", "-5", "0")]
    public async Task AValueOutOfRangeStopsTheStartNamingIt(string key, string value, string minimum)
    {
        var start = await Assert.ThrowsAsync<InvalidOperationException>(() => TestServers.StartAsync(
            new Dictionary<string, string> { [key] = value }));

        Assert.Contains($"{key} must be at least {minimum}, got {value}", start.Message);
    }

    [Theory]
    [InlineData("Swing", "0", "Swing must be a positive number, got 0")]
    [InlineData("UnitShare", "1.5", "UnitShare must be above 0 and at most 1, got 1.5")]
    [InlineData("ConcentrationMinUnits", "1", "ConcentrationMinUnits must be at least 2, got 1")]
    [InlineData("RejectedShare", "-0.1", "RejectedShare must be above 0 and at most 1, got -0.1")]
    public async Task AHealthThresholdOutOfRangeStopsTheStartNamingIt(string key, string value, string message)
    {
        var start = await Assert.ThrowsAsync<InvalidOperationException>(() => TestServers.StartAsync(
            new Dictionary<string, string> { [$"Metrics:Health:{key}"] = value }));

        Assert.Contains($"Metrics:Health: {message}", start.Message);
    }

    [Theory]
    [InlineData("ScheduleCheckPeriod", "00:00:00.5", "ScheduleCheckPeriod must be at least one second")]
    [InlineData("RunLeaseRenewal", "00:00:00", "RunLeaseRenewal must be above zero, got 00:00:00")]
    [InlineData("RunLease", "00:00:20", "RunLease must be at least three times Metrics:Imports:RunLeaseRenewal (00:00:10), got 00:00:20")]
    public async Task AnImportPeriodOutOfRangeStopsTheStartNamingIt(string key, string value, string message)
    {
        var start = await Assert.ThrowsAsync<InvalidOperationException>(() => TestServers.StartAsync(
            new Dictionary<string, string> { [$"Metrics:Imports:{key}"] = value }));

        Assert.Contains($"Metrics:Imports:{message}", start.Message);
    }
}
