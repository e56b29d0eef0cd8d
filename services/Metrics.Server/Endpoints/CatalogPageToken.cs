using System.Buffers.Text;
using System.Text;
using Metrics.Domain;

namespace Metrics.Server.Endpoints;

/// <summary>
/// ListMetrics' page tokens: the last metric name of a page, opaque to clients (base64url of a marked name), so
/// the next page starts after it even when metrics were added in between.
/// </summary>
internal static class CatalogPageToken
{
    private const string Mark = "after:";

    public static string Of(string lastMetricName) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Mark + lastMetricName));

    /// <summary>The metric name the page starts after; null for an empty token (the first page).</summary>
    public static string? Read(string token)
    {
        if (token.Length == 0)
            return null;
        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(token));
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw Invalid();
        }
        // A token issued holds a catalog name, which the ingest rules admitted.
        return decoded.StartsWith(Mark, StringComparison.Ordinal) && MetricNameRule.Problem(decoded[Mark.Length..]) is null
            ? decoded[Mark.Length..]
            : throw Invalid();
    }

    private static Grpc.Core.RpcException Invalid() =>
        RpcErrors.InvalidArgument("page_token", "page_token is not a next_page_token of ListMetrics; send it as received, or empty for the first page");
}
