using System.Collections.Concurrent;
using Metrics.Domain;
using Metrics.Imports;
using Metrics.Imports.Sources;
using Microsoft.Extensions.Options;

namespace Metrics.Server.Configuration;

/// <summary>The projects' ID types and sources, as <c>Metrics:Projects</c> configures them; each source opened once.</summary>
internal sealed class ConfiguredImportProjects(IOptions<MetricsOptions> options, IImportSourceFactory factory) : IImportProjects
{
    private readonly ConcurrentDictionary<(string Project, string Source), IImportSource> _sources = new();

    public ProjectIdTypes IdTypes(string project) =>
        new(options.Value.Projects.TryGetValue(project, out var settings) ? settings.IdTypes : ProjectIdTypes.Defaults);

    public IImportSource? Source(string project, string sourceName) =>
        options.Value.Projects.TryGetValue(project, out var settings) && settings.Sources.TryGetValue(sourceName, out var source)
            ? _sources.GetOrAdd((project, sourceName), _ => factory.Create(sourceName, source))
            : null;
}
