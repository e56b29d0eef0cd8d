using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Metrics.Cli.Tests;

/// <summary>
/// What the README says to do with the packages: <c>dotnet pack</c> the tool and the client library, install the
/// tool from the local pack and run it, and build and run the README's C# example against the packed library.
/// </summary>
[Collection(CliCollection.Name)]
public sealed partial class CliPackageTests(CliServer cli) : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("metrics-cli-pack-");

    /// <summary>A version of its own: nothing cached from an earlier run is taken for this build.</summary>
    private readonly string _version = $"1.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmssfff}";

    [Fact]
    public async Task The_packed_tool_installs_and_runs_and_the_READMEs_client_example_runs_on_the_packed_library()
    {
        var packages = _work.CreateSubdirectory("packages").FullName;
        foreach (var project in new[] { "tools/Metrics.Cli/Metrics.Cli.csproj", "services/Metrics.Client/Metrics.Client.csproj" })
            await DotnetAsync(RepositoryLayout.Root(), "pack", Path.Combine(RepositoryLayout.Root(), project), "-c", Configuration, "--no-build",
                "-o", packages, $"-p:Version={_version}");

        var tools = Path.Combine(_work.FullName, "tools");
        await DotnetAsync(_work.FullName, "tool", "install", "Metrics.Cli", "--tool-path", tools, "--add-source", packages, "--version", _version);
        var project1 = cli.NewProject();
        var ready = await RunAsync(Path.Combine(tools, "metrics"), _work.FullName, ["ready", "--through", PacificTime.DaysAgo(3), .. cli.Connect(project1.ServerSecret)]);
        Assert.True(ready.ExitCode == 0, ready.Output);
        Assert.Contains("watermark ", ready.Output);

        var example = _work.CreateSubdirectory("example").FullName;
        await File.WriteAllTextAsync(Path.Combine(example, "Program.cs"), ReadmeExample());
        await File.WriteAllTextAsync(Path.Combine(example, "Example.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings><Nullable>enable</Nullable></PropertyGroup>
              <ItemGroup><PackageReference Include="Metrics.Client" Version="{_version}" /></ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(example, "nuget.config"), $"""
            <configuration><packageSources><add key="local" value="{packages}" /></packageSources></configuration>
            """);
        var project2 = cli.NewProject();
        var run = await RunAsync("dotnet", example, ["run", "-c", "Release"], new Dictionary<string, string>
        {
            ["METRICS_URL"] = cli.Server.GrpcAddress.ToString(),
            ["METRICS_API_KEY"] = project2.ServerSecret,
        });
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("Finalized: 1 unit(s), sum 12.5", run.Output);
    }

    public void Dispose() => _work.Delete(recursive: true);

    /// <summary>The C# block the README marks as the client example.</summary>
    private static string ReadmeExample()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryLayout.Root(), "README.md"));
        return ExampleBlock().Match(readme) is { Success: true } match
            ? match.Groups["code"].Value
            : throw new InvalidOperationException("README.md has no client-example block");
    }

    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    private static async Task DotnetAsync(string directory, params string[] args)
    {
        var result = await RunAsync("dotnet", directory, args);
        Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', args)}\n{result.Output}");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string directory, string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        using var process = Process.Start(info)!;
        ChildProcesses.Register(process);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        await process.WaitForExitAsync(timeout.Token);
        ChildProcesses.Forget(process);
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex(@"<!-- client-example[^>]*-->\s*```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ExampleBlock();
}
