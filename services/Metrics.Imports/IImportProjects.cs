using Metrics.Domain;
using Metrics.Imports.Sources;

namespace Metrics.Imports;

/// <summary>What the deployment configures per project that an import needs: its ID types and its sources.</summary>
public interface IImportProjects
{
    ProjectIdTypes IdTypes(string project);

    /// <summary>The configured source of that name, or null when the project has none.</summary>
    IImportSource? Source(string project, string sourceName);
}
