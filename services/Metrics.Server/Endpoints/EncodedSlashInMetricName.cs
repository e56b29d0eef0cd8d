using Microsoft.AspNetCore.Http.Features;

namespace Metrics.Server.Endpoints;

/// <summary>
/// Lets the JSON routes <c>/v1/metrics/{metric_name}/...</c> name a metric that holds a '/', sent as <c>%2F</c>.
/// ASP.NET Core decodes every escape of a path segment but <c>%2F</c>, so the route value would keep the
/// three characters (and a name holding a literal "%2F", sent as <c>%252F</c>, would look the same). A route value
/// holding a '%' is decoded again, whole, from the raw request target.
/// </summary>
public static class EncodedSlashInMetricName
{
    private const string RouteValue = "metric_name";
    private const string Prefix = "/v1/metrics/";

    public static Task DecodeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.RouteValues.TryGetValue(RouteValue, out var value) && value is string name && name.Contains('%'))
        {
            var target = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
            if (target.StartsWith(Prefix, StringComparison.Ordinal))
            {
                var segment = target[Prefix.Length..];
                var end = segment.IndexOfAny(['/', '?']);
                context.Request.RouteValues[RouteValue] = Uri.UnescapeDataString(end < 0 ? segment : segment[..end]);
            }
        }
        return next(context);
    }
}
