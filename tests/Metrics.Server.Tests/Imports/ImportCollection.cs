namespace Metrics.Server.Tests.Imports;

/// <summary>The import tests share one <see cref="ImportServer"/>; each takes projects and tables of its own.</summary>
[CollectionDefinition(Name)]
public sealed class ImportCollection : ICollectionFixture<ImportServer>
{
    public const string Name = "Imports";
}
