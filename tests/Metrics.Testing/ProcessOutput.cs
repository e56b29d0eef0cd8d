using System.Diagnostics;
using System.Text;

namespace Metrics.Testing;

/// <summary>
/// Where a hosted process's stdout and stderr go, over all its runs: kept in memory — what a test asserts on and
/// shows when the process fails — and/or appended to a log file, which a long benchmark run leaves to be read
/// afterwards without holding it all in memory.
/// </summary>
public sealed class ProcessOutput : IDisposable
{
    private readonly StringBuilder? _memory;
    private readonly StreamWriter? _log;
    private readonly Lock _lock = new();
    private bool _disposed;

    public ProcessOutput(bool keepInMemory, string? logFile)
    {
        _memory = keepInMemory ? new StringBuilder() : null;
        LogFile = logFile;
        _log = logFile is null ? null : new StreamWriter(logFile, append: true) { AutoFlush = true };
    }

    public string? LogFile { get; }

    /// <summary>Everything kept in memory so far; empty when the output goes to a log file only.</summary>
    public string Text
    {
        get
        {
            lock (_lock)
                return _memory?.ToString() ?? "";
        }
    }

    /// <summary>For an error message: the output itself when kept in memory, else where to read it.</summary>
    public string Describe() =>
        _memory is not null ? $":\n{Text}" : LogFile is not null ? $"; see {LogFile}" : "";

    /// <summary>Reads the process's stdout and stderr from now on, line by line.</summary>
    public void Capture(Process process)
    {
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>A line of the host's own in the log file, e.g. where a run of the process begins.</summary>
    public void Mark(string line)
    {
        lock (_lock)
        {
            if (!_disposed)
                _log?.WriteLine(line);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _log?.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_lock)
        {
            _memory?.AppendLine(line);
            if (!_disposed)
                _log?.WriteLine(line);
        }
    }
}
