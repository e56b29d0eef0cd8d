using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Npgsql;

namespace Metrics.Testing;

/// <summary>
/// A PostgreSQL server of a test's own (Debian's <c>postgresql</c> package): a fresh cluster made by <c>initdb</c> in a
/// directory of its own, the server on a free loopback port, its socket in that directory, <c>fsync</c> off (tests
/// only). <c>initdb</c> refuses to run as root, so as root both run as the <c>postgres</c> user, who owns the directory.
/// Stopped by the postmaster's PID; the directory goes with it.
/// </summary>
public sealed class PostgresServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private const int SigInt = 2;

    private readonly DirectoryInfo _directory;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private PostgresServerProcess(int port, DirectoryInfo directory)
    {
        Port = port;
        _directory = directory;
    }

    public int Port { get; }

    /// <summary>An Npgsql connection string for the <c>postgres</c> database as the <c>postgres</c> superuser.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true";

    /// <summary>Everything the server wrote so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    public static async Task<PostgresServerProcess> StartAsync()
    {
        var binaries = FindBinaries();
        var server = new PostgresServerProcess(LoopbackPort.Free(), Directory.CreateTempSubdirectory("metrics-postgres-"));
        try
        {
            await server.RunAsync(binaries);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>A connection string for a new, empty database of that name on this server.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"")}\"", connection);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                // SIGINT to the postmaster: "fast" shutdown; it ends its children and exits.
                if (PostmasterPid() is { } pid)
                    _ = kill(pid, SigInt);
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try
                {
                    await _process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
            _process.Dispose();
            _process = null;
        }
        NpgsqlConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private async Task RunAsync(string binaries)
    {
        var data = Path.Combine(_directory.FullName, "data");
        var asRoot = Environment.UserName == "root";
        if (asRoot)
            await RunToEndAsync("chown", ["-R", "postgres:postgres", _directory.FullName]);
        await RunToEndAsync(asRoot ? "runuser" : Path.Combine(binaries, "initdb"),
            [.. asRoot ? new[] { "-u", "postgres", "--", Path.Combine(binaries, "initdb") } : [], "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);

        string[] server =
        [
            Path.Combine(binaries, "postgres"), "-D", data, "-p", Port.ToString(), "-k", _directory.FullName,
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
            "-c", "max_connections=200",
        ];
        var start = asRoot ? Start("runuser", ["-u", "postgres", "--", .. server]) : Start(server[0], server[1..]);
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start postgres");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilAnsweringAsync(_process);
    }

    private async Task WaitUntilAnsweringAsync(Process process)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync();
                throw new InvalidOperationException($"postgres exited with {process.ExitCode}:\n{Output}");
            }
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false;Timeout=2");
                await connection.OpenAsync();
                return;
            }
            catch (Exception e) when ((e is NpgsqlException or TimeoutException) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>The postmaster's PID, the first line of <c>postmaster.pid</c> in the data directory (runuser is its parent).</summary>
    private int? PostmasterPid()
    {
        var file = Path.Combine(_directory.FullName, "data", "postmaster.pid");
        return File.Exists(file) && int.TryParse(File.ReadLines(file).FirstOrDefault(), out var pid) ? pid : null;
    }

    private async Task RunToEndAsync(string file, string[] arguments)
    {
        using var process = Process.Start(Start(file, arguments)) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}{await errors}");
    }

    private static ProcessStartInfo Start(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        return start;
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    /// <summary>Debian keeps each major version's binaries in /usr/lib/postgresql/&lt;version&gt;/bin; the newest is taken.</summary>
    private static string FindBinaries() =>
        (Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [])
        .Select(d => Path.Combine(d, "bin"))
        .Where(d => File.Exists(Path.Combine(d, "initdb")))
        .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var major) ? major : 0)
        .FirstOrDefault()
        ?? throw new InvalidOperationException(
            "PostgreSQL is not installed, and the import tests need it: install the Debian package postgresql (apt-get install -y postgresql).");

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
