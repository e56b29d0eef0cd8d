namespace Metrics.Imports.Sources;

/// <summary>Opens a configured source: the kind of <see cref="SourceOptions"/> chooses the implementation.</summary>
public interface IImportSourceFactory
{
    IImportSource Create(SourceOptions options);
}
