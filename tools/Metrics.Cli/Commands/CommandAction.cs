using System.CommandLine;
using System.Text.RegularExpressions;
using Grpc.Core;
using Metrics.Client.Uploads;
using Metrics.Imports.Schema;

namespace Metrics.Cli.Commands;

/// <summary>Runs a command's action and turns what ends it into SPEC §8's exit code, printing the reason to standard error.</summary>
internal static class CommandAction
{
    public static void Set(Command command, Func<ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                return await action(parse, cancellationToken);
            }
            catch (UsageException e)
            {
                return Fail(ExitCodes.Usage, e.Message);
            }
            catch (SourceException e)
            {
                return Fail(ExitCodes.Usage, e.Message);
            }
            catch (UploadInterruptedException e)
            {
                return Fail(ExitCodes.Refused, Describe(e.Refusal));
            }
            catch (Exception e) when (cancellationToken.IsCancellationRequested && e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
            {
                // Ctrl+C or SIGTERM: a stream followed until then (tail, watch) ends there, the call it cut short with it.
                return ExitCodes.Success;
            }
            catch (RpcException e)
            {
                return Fail(ExitCodes.Refused, Describe(e));
            }
        });

    /// <summary>The status as gRPC names it (<c>INVALID_ARGUMENT</c>) and the server's message.</summary>
    public static string Describe(RpcException e) =>
        $"{Regex.Replace(e.StatusCode.ToString(), "(?<!^)([A-Z])", "_$1").ToUpperInvariant()}: {e.Status.Detail}";

    private static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return code;
    }
}
