namespace Metrics.Cli.Tests;

/// <summary>The start-up profile a command leaves for its next run, and a tool that runs as well where none can be written.</summary>
public sealed class StartupProfileTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("metrics-cli-data-");

    [Fact]
    public async Task A_command_leaves_its_profile_under_the_users_data_folder_and_runs_with_it_the_next_time()
    {
        var environment = new Dictionary<string, string?> { ["XDG_DATA_HOME"] = _data.FullName };

        var first = await CliProcess.RunAsync(["upload", "--help"], environment);
        var profile = new FileInfo(Path.Combine(_data.FullName, "metrics", "startup", "upload.profile"));
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(profile.Exists && profile.Length > 0, "no profile written");

        var second = await CliProcess.RunAsync(["upload", "--help"], environment);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(first.Stdout, second.Stdout);
    }

    [Fact]
    public async Task Without_a_writable_data_folder_the_tool_runs_as_it_would()
    {
        var file = Path.Combine(_data.FullName, "a-file");
        await File.WriteAllTextAsync(file, "not a folder");

        var result = await CliProcess.RunAsync(["upload", "--help"], new Dictionary<string, string?> { ["XDG_DATA_HOME"] = file });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Usage:", result.Stdout);
        Assert.Empty(result.Stderr);
    }

    public void Dispose() => _data.Delete(recursive: true);
}
