namespace Metrics.Server.Tests.Infrastructure;

/// <summary>
/// The server of the heavy end-to-end tests (16 MiB messages, a 50,000-record Logstream flood): a server of their
/// own, so that their load never delays a timing-sensitive test on the run's shared server — the stream
/// deadlines, the authentication matrix. Its collection runs one heavy test at a time, in parallel with the
/// other collections.
/// </summary>
public sealed class HeavyTestsServer : IAsyncLifetime
{
    public SharedServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SharedServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class HeavyTestsCollection : ICollectionFixture<HeavyTestsServer>
{
    public const string Name = "Heavy end-to-end tests";
}
