using Metrics.Domain;
using Metrics.Grains.Readiness;

namespace Metrics.Grains.Tests;

/// <summary>Every project under the documented default quotas, as a server with no quota configured has them.</summary>
internal sealed class DefaultQuotas : IProjectQuotas
{
    public ProjectQuotas For(string project) => ProjectQuotas.Defaults;
}
