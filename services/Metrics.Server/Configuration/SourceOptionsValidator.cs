using Metrics.Imports.Sources;
using Microsoft.Extensions.Options;

namespace Metrics.Server.Configuration;

/// <summary>Refuses, at start-up, an import source that cannot be opened (unknown kind, no connection string, no Root), naming its key.</summary>
internal sealed class SourceOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var problems = options.Projects
            .SelectMany(project => project.Value.Sources.Select(source =>
                ImportSourceFactory.Problem(source.Value, $"{MetricsOptions.Section}:Projects:{project.Key}:Sources:{source.Key}")))
            .OfType<string>()
            .ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
