using System.Text;
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
        Assert.StartsWith("id_type \"userID\" is not defined", report.Listed[0].Description);
        Assert.All(report.Listed.Skip(1), v => Assert.Equal(ViolationReport.SameAsAbove, v.Description));
    }

    /// <summary>Every record wrong in its own long way, in characters of three UTF-8 bytes: the list ends at the bound.</summary>
    [Fact]
    public void DistinctLongViolationsListFewerWithinTheBound()
    {
        var idTypes = new ProjectIdTypes(ProjectIdTypes.Defaults);
        var violations = Enumerable.Range(0, 1000)
            .Select(i => new RecordViolation(i, "id_type", idTypes.Describe($"{i}{new string('型', 400)}")))
            .ToList();

        var report = ViolationReport.Of(violations);

        var detailBytes = report.Listed.Sum(v => Encoding.UTF8.GetByteCount(v.Path) + Encoding.UTF8.GetByteCount(v.Description) + 6);
        Assert.InRange(detailBytes, 1, ViolationReport.MaxDetailBytes);
        Assert.InRange(report.Listed.Count, 2, ViolationReport.MaxListed - 1);
        Assert.Equal(violations.Take(report.Listed.Count).Select(v => v.Path), report.Listed.Select(v => v.Path));
        Assert.DoesNotContain(report.Listed, v => v.Description == ViolationReport.SameAsAbove);
        Assert.InRange(Encoding.UTF8.GetByteCount(report.Message), 1, ViolationReport.MaxMessageBytes);
        Assert.StartsWith($"1000 invalid field(s) in 1000 record(s); the first {report.Listed.Count} are listed in the details: ", report.Message);
        Assert.EndsWith("…", report.Message);
    }

    [Fact]
    public void OnlyARepeatOfTheDescriptionJustBeforeIsGivenAsAbove()
    {
        var report = ViolationReport.Of([
            new RecordViolation(0, "date", "a"), new RecordViolation(1, "date", "a"),
            new RecordViolation(2, "date", "b"), new RecordViolation(3, "date", "a"),
        ]);

        Assert.Equal(["a", ViolationReport.SameAsAbove, "b", "a"], report.Listed.Select(v => v.Description));
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
