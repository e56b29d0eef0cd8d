using System.Text.RegularExpressions;
using Grpc.Core;

namespace Metrics.Server.Tests.RedisDeployment.Chaos;

/// <summary>SPEC §7 "Errors": what a server may answer a failed call with.</summary>
public static partial class ChaosFailure
{
    /// <summary>
    /// False for <c>UNKNOWN</c> (an exception escaped a handler) and for a message carrying internal words:
    /// an exception's type or text, a stack frame, Orleans' or the Redis client's names.
    /// </summary>
    public static bool IsProductSentence(StatusCode code, string detail) =>
        code != StatusCode.Unknown && !InternalWords().IsMatch(detail);

    /// <summary>
    /// What a server may answer an attempt that a retry should repeat: UNAVAILABLE ("retry the call"), or
    /// DEADLINE_EXCEEDED for an attempt past its deadline, in the product's words — never INTERNAL or another code.
    /// </summary>
    public static bool IsRetryAnswer(StatusCode code, string detail) =>
        code is StatusCode.Unavailable or StatusCode.DeadlineExceeded && IsProductSentence(code, detail);

    [GeneratedRegex(@"Orleans|StackExchange|Exception|\bat [\w.]+\(|\w+\.\w+\.\w+Exception|SiloAddress|\bS\d+\.\d+\.\d+\.\d+:\d+:\d+")]
    private static partial Regex InternalWords();
}
