using Metrics.Domain;

namespace Metrics.Domain.Tests;

public class ReadinessTypeTests
{
    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("metrics")]
    public void TryNormalize_AcceptsEmptyAndMetrics(string? type)
    {
        Assert.True(ReadinessType.TryNormalize(type, out var normalized));
        Assert.Equal("metrics", normalized);
        Assert.Equal(ReadinessType.Metrics, normalized);
    }

    [Theory]
    [InlineData("events")]
    [InlineData("metric")]
    [InlineData(" metrics")]
    public void TryNormalize_RejectsOtherTypes(string type)
    {
        Assert.False(ReadinessType.TryNormalize(type, out var normalized));
        Assert.Equal(type, normalized);
    }

    [Fact]
    public void Unknown_NamesTheTypeAndTheOnlyValidOne()
    {
        var message = ReadinessType.Unknown("events");
        Assert.Contains("\"events\"", message);
        Assert.Contains("\"metrics\"", message);
    }
}
