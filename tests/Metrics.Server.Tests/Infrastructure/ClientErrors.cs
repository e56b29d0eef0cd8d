using Grpc.Core;

namespace Metrics.Server.Tests.Infrastructure;

/// <summary>
/// What SPEC §7 lets an error carry to a client: the product's own sentence and a request ID, never an exception's
/// text, a type name or a stack trace.
/// </summary>
public static class ClientErrors
{
    public const string RequestIdKey = "metrics-request-id";

    private static readonly string[] InternalWords = ["Exception", "Orleans", "StackExchange", "   at ", "System."];

    /// <summary>Asserts the error is told in the product's words and carries its request ID; returns the ID.</summary>
    public static string AssertProductSentence(RpcException error)
    {
        foreach (var word in InternalWords)
            Assert.False(error.Status.Detail.Contains(word, StringComparison.Ordinal), $"the client was told \"{error.Status.Detail}\"");
        var requestId = error.Trailers.GetValue(RequestIdKey);
        Assert.False(string.IsNullOrEmpty(requestId), $"no {RequestIdKey} trailer with \"{error.Status.Detail}\"");
        Assert.EndsWith($"; retry the call (request {requestId})", error.Status.Detail);
        return requestId;
    }

    /// <summary>The line of <paramref name="serverOutput"/> that logs the cause of the failed request.</summary>
    public static string LoggedCause(string serverOutput, string requestId) =>
        serverOutput.Split('\n').FirstOrDefault(line => line.Contains($"(request {requestId})", StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"the server logged nothing for request {requestId}");
}
