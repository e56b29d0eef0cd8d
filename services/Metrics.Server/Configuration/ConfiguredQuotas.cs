using Metrics.Domain;
using Metrics.Grains.Readiness;
using Microsoft.Extensions.Options;

namespace Metrics.Server.Configuration;

/// <summary>The quotas of <c>Metrics:Quotas</c>, with each project's own where it sets them.</summary>
internal sealed class ConfiguredQuotas(IOptions<MetricsOptions> options) : IProjectQuotas
{
    public ProjectQuotas For(string project) =>
        options.Value.Projects.TryGetValue(project, out var settings)
            ? settings.Quotas.Over(options.Value.Quotas)
            : new ProjectQuotaOptions().Over(options.Value.Quotas);
}
