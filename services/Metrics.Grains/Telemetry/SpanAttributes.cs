using System.Diagnostics;

namespace Metrics.Grains.Telemetry;

/// <summary>The attribute names the product puts on spans, beside OpenTelemetry's semantic conventions.</summary>
public static class SpanAttributes
{
    public const string Project = "metrics.project";
    public const string Metric = "metrics.metric";
    public const string Day = "metrics.day";

    /// <summary>Names the project on the span of the call being served, when it is recorded.</summary>
    public static void TagProject(string project)
    {
        if (Activity.Current is { IsAllDataRequested: true } span)
            span.SetTag(Project, project);
    }
}
