using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Metrics.Grains.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Metrics.Server.Tests.Deploy;

/// <summary>
/// The Prometheus series a node exports for the product's meters and ASP.NET Core's request duration, as the
/// exporter of Program.cs names them: <see cref="ProductMeters"/> itself, one measurement on each of its instruments,
/// scraped through OpenTelemetry's Prometheus exporter on a loopback port. An instrument added to ProductMeters
/// and not measured here fails <see cref="OfAsync"/>, so the list cannot fall behind the meters.
/// </summary>
internal static partial class ExportedSeries
{
    public static async Task<IReadOnlySet<string>> OfAsync()
    {
        // Empty: the server's appsettings.json beside the tests would open its endpoints.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Services.AddMetrics();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ProductMeters>();
        builder.Services.AddOpenTelemetry().WithMetrics(meters => meters
            .AddMeter(ProductMeters.MeterName)
            .AddAspNetCoreInstrumentation()
            .AddPrometheusExporter());
        await using var app = builder.Build();
        app.UseOpenTelemetryPrometheusScrapingEndpoint("/metrics");
        app.Run(context => context.Response.WriteAsync("served"));

        var instruments = new List<string>();
        var factory = app.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Meter.Name == ProductMeters.MeterName)
                    instruments.Add(instrument.Name);
            },
        };
        listener.Start();
        MeasureEach(app.Services.GetRequiredService<ProductMeters>());

        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        await http.GetStringAsync("/call"); // a request duration (the exporter leaves its own scrapes out)
        var series = SampleName().Matches(await http.GetStringAsync("/metrics")).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        await app.StopAsync();

        Assert.NotEmpty(instruments);
        var unmeasured = instruments.Where(name => !series.Any(s => s.StartsWith(name, StringComparison.Ordinal))).ToList();
        Assert.True(unmeasured.Count == 0, $"measure {string.Join(", ", unmeasured)} in {nameof(MeasureEach)}: a series of it is not in the scrape");
        return series;
    }

    private static void MeasureEach(ProductMeters meters)
    {
        meters.Accepted("p", "api", 1);
        meters.Rejected("p", "date", 1);
        meters.Request("p", "LogCustomMetric", "OK");
        meters.Sealed(TimeSpan.FromMilliseconds(5));
        meters.Dropped("p", 1);
        meters.ImportRows("p", "i", "applied", 1);
        meters.Readiness("p", watermark: 1, openDays: 1);
        meters.Subscribers("p", 1);
    }

    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", RegexOptions.Multiline)]
    private static partial Regex SampleName();
}
