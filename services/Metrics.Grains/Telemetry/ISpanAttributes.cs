using System.Diagnostics;

namespace Metrics.Grains.Telemetry;

/// <summary>A grain that names what a call to it concerns on the call's span: project, metric and day.</summary>
internal interface ISpanAttributes
{
    void Describe(Activity span);
}
