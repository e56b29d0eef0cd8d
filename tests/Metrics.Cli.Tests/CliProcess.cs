using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace Metrics.Cli.Tests;

/// <summary>
/// The <c>metrics</c> tool run as a process of its own (<c>dotnet metrics.dll ...</c>), its standard output and error
/// redirected — so not a terminal: it writes plain lines — read line by line as they come.
/// </summary>
public sealed class CliProcess : IAsyncDisposable
{
    private static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(120);

    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _stdout = new(), _stderr = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CliProcess(Process process) => _process = process;

    public string Stdout
    {
        get { lock (_stdout) return _stdout.ToString(); }
    }

    public string Stderr
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>metrics</c> with <paramref name="args"/>; <paramref name="environment"/> adds to (or, with null, removes from) its environment.</summary>
    public static CliProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(RepositoryLayout.BuildOutput(Path.Combine("tools", "Metrics.Cli"), "metrics.dll"));
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment.Remove("METRICS_URL");
        info.Environment.Remove("METRICS_API_KEY");
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
                info.Environment.Remove(name);
            else
                info.Environment[name] = value;
        }
        var process = new Process { StartInfo = info };
        var cli = new CliProcess(process);
        process.OutputDataReceived += (_, e) => cli.Received(e.Data, cli._stdout, cli._stdoutClosed, toChannel: true);
        process.ErrorDataReceived += (_, e) => cli.Received(e.Data, cli._stderr, cli._stderrClosed, toChannel: false);
        process.Start();
        ChildProcesses.Register(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Runs <c>metrics</c> to its end.</summary>
    public static async Task<CliResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? limit = null)
    {
        await using var cli = Start(args, environment);
        return await cli.WaitAsync(limit ?? DefaultLimit);
    }

    /// <summary>The process's end: its exit code and everything it wrote.</summary>
    public async Task<CliResult> WaitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"metrics did not exit within {limit}; output:\n{Stdout}\nerrors:\n{Stderr}");
        }
        ChildProcesses.Forget(_process);
        return new CliResult(_process.ExitCode, Stdout, Stderr);
    }

    /// <summary>The first line of standard output from now on that <paramref name="match"/> accepts.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await foreach (var line in _lines.Reader.ReadAllAsync(timeout.Token))
            {
                if (match(line))
                    return line;
            }
        }
        catch (OperationCanceledException)
        {
        }
        throw new TimeoutException($"no such line within {limit}; output:\n{Stdout}\nerrors:\n{Stderr}");
    }

    /// <summary>
    /// SIGTERM, what a scheduler or <c>kill</c> sends to stop it; the CLI takes it as it takes Ctrl+C (SIGINT, which a
    /// process started in the background of a non-interactive shell inherits as ignored, so a test cannot send it).
    /// </summary>
    public void Terminate() => Signals.Send(_process.Id, Signals.Terminate);

    /// <summary>SIGKILL, as a crash or a lost machine ends it.</summary>
    public Task KillAsync() => ChildProcesses.KillAsync(_process);

    public async ValueTask DisposeAsync()
    {
        await ChildProcesses.KillAsync(_process);
        _process.Dispose();
    }

    private void Received(string? line, StringBuilder text, TaskCompletionSource closed, bool toChannel)
    {
        if (line is null)
        {
            closed.TrySetResult();
            if (toChannel)
                _lines.Writer.TryComplete();
            return;
        }
        lock (text)
            text.AppendLine(line);
        if (toChannel)
            _lines.Writer.TryWrite(line);
    }
}

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}
