namespace Metrics.Imports.Sources;

/// <summary>Opens a configured source: the kind of <see cref="SourceOptions"/> chooses the implementation.</summary>
public interface IImportSourceFactory
{
    /// <summary>The source configured as <paramref name="name"/>; its messages name it.</summary>
    IImportSource Create(string name, SourceOptions options);
}
