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
internal sealed class MetricsEndpoint(IGrainFactory grains, DayHealthReader health) : MetricsService.MetricsServiceBase
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
        var grain = MetricDayGrain(request.MetricName, request.Date, context);
        var view = await grain.View(request.IncludeTest) ?? throw NoData(request.MetricName, request.Date);
        var day = ToProto(request.MetricName, request.Date, view);
        var production = request.IncludeTest ? await grain.View(includeTest: false) : view;
        if (production is not null)
        {
            var warnings = await health.CheckAsync(context.Caller().Project, request.MetricName, [(RpcErrors.RequireDate(request.Date), production)]);
            day.Health.AddRange(warnings[0].Select(ToProto));
        }
        return day;
    }

    /// <summary>
    /// The days of the range that the catalog's first and last date of the metric cover, read from their grains at
    /// once; a metric the catalog does not know (no production record) is NOT_FOUND, a known one without data in the
    /// range an empty series.
    /// </summary>
    public override async Task<MetricSeries> GetMetricSeries(GetMetricSeriesRequest request, ServerCallContext context)
    {
        RpcErrors.RequireMetricName(request.MetricName);
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
        var grainsOfDays = days.Select(day => grains.GetMetricDayGrain(new MetricDayId(project, request.MetricName, day))).ToArray();
        var views = await Task.WhenAll(grainsOfDays.Select(g => g.View(request.IncludeTest)));
        var production = request.IncludeTest ? await Task.WhenAll(grainsOfDays.Select(g => g.View(includeTest: false))) : views;
        var withData = Enumerable.Range(0, days.Length).Where(i => views[i] is not null).ToList();
        var producing = withData.Where(i => production[i] is not null).ToList();
        var warnings = await health.CheckAsync(project, request.MetricName, producing.Select(i => (days[i], production[i]!)).ToList());
        var series = new MetricSeries();
        foreach (var i in withData)
        {
            var day = ToProto(request.MetricName, days[i].ToString(), views[i]!);
            var at = producing.IndexOf(i);
            if (at >= 0)
                day.Health.AddRange(warnings[at].Select(ToProto));
            series.Days.Add(day);
        }
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
        int? version = null;
        for (var offset = 0; ; offset += ExportPageSize)
        {
            var page = await grain.Export(offset, ExportPageSize);
            if (page.Status == ExportStatus.NoData)
                throw NoData(request.MetricName, request.Date);
            if (page.Status == ExportStatus.Open)
                throw RpcErrors.FailedPrecondition($"{request.MetricName} on {request.Date} is still open; only finalized days can be exported");
            // The pages of one export come from one sealed version: a restatement meanwhile reorders the units.
            if ((version ??= page.Version) != page.Version)
                throw RpcErrors.Aborted($"{request.MetricName} on {request.Date} was restated to version {page.Version} during the export of version {version}; export it again");
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
        RpcErrors.RequireMetricName(metricName);
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

    private static Contracts.V1.HealthWarning ToProto(Domain.Health.HealthWarning w) => new()
    {
        Check = (HealthCheckKind)((int)w.Kind + 1),
        Value = w.Value,
        Threshold = w.Threshold,
        Message = w.Message,
    };

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
