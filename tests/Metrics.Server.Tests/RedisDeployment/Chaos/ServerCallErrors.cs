namespace Metrics.Server.Tests.RedisDeployment.Chaos;

/// <summary>
/// The exceptions a server's gRPC handlers let escape (answered <c>INTERNAL</c>, or <c>UNKNOWN</c> by grpc-dotnet
/// itself), as the server logged them: the server-side cause of a failed call that is not one of the mapped codes.
/// </summary>
public static class ServerCallErrors
{
    public static IReadOnlyList<string> In(string serverOutput)
    {
        var entries = new List<List<string>>();
        foreach (var line in serverOutput.Split('\n'))
        {
            if (line.Length > 0 && !char.IsWhiteSpace(line[0]))
                entries.Add([]);
            if (entries.Count > 0)
                entries[^1].Add(line.TrimEnd('\r'));
        }
        return entries
            .Where(entry => entry[0].StartsWith("fail: Grpc.AspNetCore.Server.ServerCallHandler", StringComparison.Ordinal)
                || entry[0].StartsWith("fail: Metrics.Server.Endpoints.ErrorInterceptor", StringComparison.Ordinal))
            .Select(entry => string.Join("\n", entry))
            .ToList();
    }
}
