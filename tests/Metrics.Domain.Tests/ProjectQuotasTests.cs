using Metrics.Domain;

namespace Metrics.Domain.Tests;

public class ProjectQuotasTests
{
    private static readonly ProjectQuotas Quotas = ProjectQuotas.Defaults with { MetricNames = 3, OpenMetricDays = 5, DaysPerRequest = 2 };

    [Fact]
    public void ARequestOfMoreDaysThanTheQuotaIsRefusedNamingIt()
    {
        Assert.Null(Quotas.CheckRequest(2));
        var refusal = Quotas.CheckRequest(3);
        Assert.NotNull(refusal);
        Assert.Contains("DaysPerRequest (2)", refusal);
    }

    [Fact]
    public void NewMetricNamesPastTheQuotaAreRefused()
    {
        Assert.Null(Quotas.CheckGrowth(metricNames: 2, newMetricNames: 1, openMetricDays: 0, newOpenMetricDays: 1));
        var refusal = Quotas.CheckGrowth(metricNames: 2, newMetricNames: 2, openMetricDays: 0, newOpenMetricDays: 2);
        Assert.NotNull(refusal);
        Assert.Contains("MetricNames (3)", refusal);
    }

    [Fact]
    public void NewOpenMetricDaysPastTheQuotaAreRefused()
    {
        Assert.Null(Quotas.CheckGrowth(metricNames: 1, newMetricNames: 0, openMetricDays: 4, newOpenMetricDays: 1));
        var refusal = Quotas.CheckGrowth(metricNames: 1, newMetricNames: 0, openMetricDays: 4, newOpenMetricDays: 2);
        Assert.NotNull(refusal);
        Assert.Contains("OpenMetricDays (5)", refusal);
    }

    [Fact]
    public void AProjectOverALoweredQuotaStillWritesToWhatItHas()
    {
        Assert.Null(Quotas.CheckGrowth(metricNames: 10, newMetricNames: 0, openMetricDays: 50, newOpenMetricDays: 0));
    }
}
