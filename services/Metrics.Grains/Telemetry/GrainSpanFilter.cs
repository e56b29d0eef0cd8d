using System.Diagnostics;

namespace Metrics.Grains.Telemetry;

/// <summary>
/// Puts project, metric and day on the span Orleans opens for each incoming grain call. Runs after Orleans' own
/// activity filter, whose span is then the current one.
/// </summary>
public sealed class GrainSpanFilter : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (Activity.Current is { IsAllDataRequested: true } span && context.Grain is ISpanAttributes grain)
            grain.Describe(span);
        return context.Invoke();
    }
}
