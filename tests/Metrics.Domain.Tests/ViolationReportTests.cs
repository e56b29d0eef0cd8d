using Metrics.Domain;

namespace Metrics.Domain.Tests;

/// <summary>SPEC §3: the error lists the first 100 violations and states the total count in its message.</summary>
public class ViolationReportTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TenThousandWrongIdTypesListTheFirstHundredAndCountAll()
    {
        var records = Enumerable.Range(0, RecordValidator.MaxRecords)
            .Select(i => new IncomingRecord($"u{i}", "userID", "clicks", 1, null, null, "2026-01-14"))
            .ToList();
        var validation = new RecordValidator(new ProjectIdTypes(ProjectIdTypes.Defaults)).Validate(records, Now);

        var report = ViolationReport.Of(validation.Violations);

        Assert.Equal(ViolationReport.MaxListed, report.Listed.Count);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"metrics[{i}].id_type"), report.Listed.Select(v => v.Path));
        Assert.StartsWith("10000 invalid field(s) in 10000 record(s); the first 100 are listed in the details: metrics[0].id_type: ", report.Message);
        Assert.True(report.Message.Length < 1000, report.Message);
    }

    [Fact]
    public void FewViolationsAreAllListedWithoutTheExtent()
    {
        var report = ViolationReport.Of([new RecordViolation(-1, "metrics", "at least one record is required")]);

        Assert.Single(report.Listed);
        Assert.Equal("1 invalid field(s): metrics: at least one record is required", report.Message);
    }

    [Fact]
    public void LongDescriptionsQuotingTheClientAreCut()
    {
        var idTypes = new ProjectIdTypes(ProjectIdTypes.Defaults);
        var huge = new string('x', 100_000);
        var report = ViolationReport.Of([new RecordViolation(0, "id_type", idTypes.Describe(huge))]);

        Assert.Equal(ViolationReport.MaxDescriptionLength, Assert.Single(report.Listed).Description.Length);
        Assert.True(report.Message.Length < 2 * ViolationReport.MaxDescriptionLength, $"{report.Message.Length} characters");
    }
}
