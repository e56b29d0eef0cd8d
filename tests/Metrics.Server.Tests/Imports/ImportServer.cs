using Grpc.Net.Client;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using Npgsql;

namespace Metrics.Server.Tests.Imports;

/// <summary>
/// A PostgreSQL of the tests' own and a server whose projects each have three sources: <c>warehouse</c> (that
/// PostgreSQL), <c>files</c> (a directory the tests write CSV and Parquet files into) and <c>down</c> (a PostgreSQL
/// port where nothing listens). Each test takes projects and tables of its own.
/// </summary>
public sealed class ImportServer : IAsyncLifetime
{
    /// <summary>The projects of this server that import tests take, one each.</summary>
    private const int Projects = 40;

    private int _nextProject;

    public PostgresServerProcess Postgres { get; private set; } = null!;

    public MetricsServerProcess Server { get; private set; } = null!;

    public GrpcChannel Channel { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    /// <summary>The files source's Root.</summary>
    public DirectoryInfo Files { get; } = Directory.CreateTempSubdirectory("metrics-import-files-");

    public ImportService.ImportServiceClient Imports => new(Channel);

    public MetricsService.MetricsServiceClient Metrics => new(Channel);

    public ReadinessService.ReadinessServiceClient Readiness => new(Channel);

    public IngestService.IngestServiceClient Ingest => new(Channel);

    public LogstreamService.LogstreamServiceClient Logstream => new(Channel);

    public async Task InitializeAsync()
    {
        Postgres = await PostgresServerProcess.StartAsync();
        var settings = new Dictionary<string, string>();
        for (var i = 0; i < Projects; i++)
        {
            var sources = $"Metrics:Projects:{TestProject.Of(i).Name}:Sources";
            settings[$"{sources}:warehouse:Kind"] = "postgres";
            settings[$"{sources}:warehouse:ConnectionString"] = Postgres.ConnectionString;
            settings[$"{sources}:files:Kind"] = "files";
            settings[$"{sources}:files:Root"] = Files.FullName;
            settings[$"{sources}:down:Kind"] = "postgres";
            settings[$"{sources}:down:ConnectionString"] = $"Host=127.0.0.1;Port={LoopbackPort.Free()};Username=postgres;Timeout=3";
        }
        Server = await TestServers.StartAsync(settings);
        Channel = Server.CreateChannel();
        Http = Server.CreateHttpClient();
    }

    public ProjectKeys NewProject()
    {
        var index = Interlocked.Increment(ref _nextProject) - 1;
        return index < Projects ? TestProject.Of(index) : throw new InvalidOperationException($"raise ImportServer.Projects: more than {Projects} taken");
    }

    public NpgsqlDataSource OpenDatabase() => NpgsqlDataSource.Create(Postgres.ConnectionString);

    public async Task DisposeAsync()
    {
        Channel.Dispose();
        Http.Dispose();
        await Server.DisposeAsync();
        await Postgres.DisposeAsync();
        Files.Delete(recursive: true);
    }
}
