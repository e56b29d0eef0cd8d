using Metrics.Domain;

namespace Metrics.Grains.Readiness;

/// <summary>The quotas in force for each project, as the deployment configures them.</summary>
public interface IProjectQuotas
{
    ProjectQuotas For(string project);
}
