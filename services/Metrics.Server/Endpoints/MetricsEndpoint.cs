using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Domain;
using Metrics.Grains;
using Metrics.Grains.MetricDays;
using Metrics.Grains.Readiness;
using Metrics.Server.Authentication;
using Aggregate = Metrics.Contracts.V1.Aggregate;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace Metrics.Server.Endpoints;

/// <summary><c>metrics.v1.MetricsService</c>: the catalog, the detail view and the export of finalized days.</summary>
[BindServiceMethod(typeof(MetricsEndpoint), nameof(BindService))]
public sealed class MetricsEndpoint(IGrainFactory grains) : MetricsService.MetricsServiceBase
{
    /// <summary>The service's descriptor, which JSON transcoding looks for on the type that binds the service.</summary>
    public static ServiceDescriptor Descriptor => MetricsService.Descriptor;

    /// <summary>Binds the service with <see cref="MalformedRequestBinder"/>.</summary>
    public static void BindService(ServiceBinderBase binder, MetricsService.MetricsServiceBase service) =>
        MetricsService.BindService(new MalformedRequestBinder(binder), service);

    private const int ExportPageSize = 10_000;

    /// <summary>SPEC §6: a series reads at most this many days.</summary>
    private const int MaxSeriesDays = 400;

    /// <summary>AIP-158: a page of 100 unless asked otherwise, never more than 1,000.</summary>
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    public override async Task<ListMetricsResponse> ListMetrics(ListMetricsRequest request, ServerCallContext context)
    {
        if (request.PageSize < 0)
            throw RpcErrors.InvalidArgument("page_size", $"page_size must not be negative, got {request.PageSize}");
        var pageSize = request.PageSize == 0 ? DefaultPageSize : Math.Min(request.PageSize, MaxPageSize);
        var after = CatalogPageToken.Read(request.PageToken);
        var page = await grains.GetReadinessGrain(context.Caller().Project).ListMetrics(after, pageSize);
        return new ListMetricsResponse
        {
            Metrics =
            {
                page.Entries.Select(e => new MetricSummary
                {
                    MetricName = e.MetricName,
                    Kind = e.IsRatio ? MetricKind.Ratio : MetricKind.Value,
                    IdTypes = { e.IdTypes },
                    FirstDate = new PacificDay(e.FirstDate).ToString(),
                    LastDate = new PacificDay(e.LastDate).ToString(),
                }),
            },
            NextPageToken = page.More ? CatalogPageToken.Of(page.Entries[^1].MetricName) : "",
        };
    }

    public override async Task<MetricDay> GetMetricDay(GetMetricDayRequest request, ServerCallContext context)
    {
        var view = await MetricDayGrain(request.MetricName, request.Date, context).View(request.IncludeTest)
            ?? throw NoData(request.MetricName, request.Date);
        return ToProto(request.MetricName, request.Date, view);
    }

    /// <summary>
    /// The days of the range that the catalog's first and last date of the metric cover, read from their grains at
    /// once; a metric the catalog does not know (no production record) is NOT_FOUND, a known one without data in the
    /// range an empty series.
    /// </summary>
    public override async Task<MetricSeries> GetMetricSeries(GetMetricSeriesRequest request, ServerCallContext context)
    {
        if (request.MetricName.Length == 0)
            throw RpcErrors.InvalidArgument("metric_name", "metric_name is required");
        var from = RpcErrors.RequireDate(request.From, "from");
        var to = RpcErrors.RequireDate(request.To, "to");
        if (to.Date < from.Date)
            throw RpcErrors.InvalidArgument("to", $"to ({request.To}) comes before from ({request.From})");
        if (to.Date.DayNumber - from.Date.DayNumber + 1 > MaxSeriesDays)
            throw RpcErrors.InvalidArgument("to", $"a series spans at most {MaxSeriesDays} days; {request.From} to {request.To} is {to.Date.DayNumber - from.Date.DayNumber + 1}");
        var project = context.Caller().Project;
        var entry = await grains.GetReadinessGrain(project).DescribeMetric(request.MetricName)
            ?? throw RpcErrors.NotFound($"metric {request.MetricName} has no production data");
        var first = entry.FirstDate > from.Date ? entry.FirstDate : from.Date;
        var last = entry.LastDate < to.Date ? entry.LastDate : to.Date;
        var days = Enumerable.Range(0, Math.Max(0, last.DayNumber - first.DayNumber + 1)).Select(i => new PacificDay(first.AddDays(i))).ToArray();
        var views = await Task.WhenAll(days.Select(day =>
            grains.GetMetricDayGrain(new MetricDayId(project, request.MetricName, day)).View(request.IncludeTest)));
        var series = new MetricSeries();
        for (var i = 0; i < days.Length; i++)
            if (views[i] is { } view)
                series.Days.Add(ToProto(request.MetricName, days[i].ToString(), view));
        return series;
    }

    public override async Task<ListMetricDayVersionsResponse> ListMetricDayVersions(ListMetricDayVersionsRequest request, ServerCallContext context)
    {
        var grain = MetricDayGrain(request.MetricName, request.Date, context);
        var versions = await grain.Versions();
        if (versions.Length == 0 && await grain.View(includeTest: false) is null)
            throw NoData(request.MetricName, request.Date);
        return new ListMetricDayVersionsResponse
        {
            Versions =
            {
                versions.Select(v => new MetricDayVersion
                {
                    Version = v.Version,
                    Overall = ToProto(v.Overall),
                    ByIdType = { v.ByIdType.Select(ToProto) },
                    FinalizedAt = Timestamp.FromDateTimeOffset(v.FinalizedAt),
                    Cause = v.Cause,
                }),
            },
        };
    }

    public override async Task ExportMetricDay(ExportMetricDayRequest request, IServerStreamWriter<UnitValue> responseStream, ServerCallContext context)
    {
        var grain = MetricDayGrain(request.MetricName, request.Date, context);
        for (var offset = 0; ; offset += ExportPageSize)
        {
            var page = await grain.Export(offset, ExportPageSize);
            if (page.Status == ExportStatus.NoData)
                throw NoData(request.MetricName, request.Date);
            if (page.Status == ExportStatus.Open)
                throw RpcErrors.FailedPrecondition($"{request.MetricName} on {request.Date} is still open; only finalized days can be exported");
            foreach (var unit in page.Units)
                await responseStream.WriteAsync(new UnitValue
                {
                    UserId = unit.UserId,
                    IdType = unit.IdType,
                    Value = unit.Value,
                    Numerator = unit.Numerator,
                    Denominator = unit.Denominator,
                    RowCount = unit.Rows,
                }, context.CancellationToken);
            if (page.Units.Length < ExportPageSize)
                return;
        }
    }

    private IMetricDayGrain MetricDayGrain(string metricName, string date, ServerCallContext context)
    {
        if (metricName.Length == 0)
            throw RpcErrors.InvalidArgument("metric_name", "metric_name is required");
        var day = RpcErrors.RequireDate(date);
        return grains.GetMetricDayGrain(new MetricDayId(context.Caller().Project, metricName, day));
    }

    private static RpcException NoData(string metricName, string date) =>
        RpcErrors.NotFound($"metric {metricName} has no data on {date}");

    private static MetricDay ToProto(string metricName, string date, MetricDayView view)
    {
        var day = new MetricDay
        {
            MetricName = metricName,
            Date = date,
            Status = view.Finalized ? DayStatus.Finalized : DayStatus.Open,
            Kind = view.IsRatio ? MetricKind.Ratio : MetricKind.Value,
            Overall = ToProto(view.Overall),
            ByIdType = { view.ByIdType.Select(ToProto) },
            Version = view.Version,
        };
        if (view.FinalizedAt is { } finalizedAt)
            day.FinalizedAt = Timestamp.FromDateTimeOffset(finalizedAt);
        if (view.LastIngestedAt is { } lastIngestedAt)
            day.LastIngestedAt = Timestamp.FromDateTimeOffset(lastIngestedAt);
        if (view.RestatedAt is { } restatedAt)
            day.RestatedAt = Timestamp.FromDateTimeOffset(restatedAt);
        return day;
    }

    private static Aggregate ToProto(Domain.Aggregate a) => new()
    {
        IdType = a.IdType,
        UnitCount = a.UnitCount,
        RowCount = a.RowCount,
        Sum = a.Sum,
        Mean = a.Mean,
        Variance = a.Variance,
        NumeratorSum = a.NumeratorSum,
        DenominatorSum = a.DenominatorSum,
        Ratio = a.Ratio,
    };
}
