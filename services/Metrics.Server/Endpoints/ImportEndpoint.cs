using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Imports;
using Metrics.Imports.Definitions;
using Metrics.Server.Authentication;
using Contract = Metrics.Contracts.V1;
using Runs = Metrics.Imports.Runs;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace Metrics.Server.Endpoints;

/// <summary><c>metrics.v1.ImportService</c>: import definitions, their runs, and a run's progress as it goes.</summary>
[BindServiceMethod(typeof(ImportEndpoint), nameof(BindService))]
public sealed class ImportEndpoint(IGrainFactory grains) : ImportService.ImportServiceBase
{
    /// <summary>How often a watched run is looked at for news.</summary>
    private static readonly TimeSpan WatchPoll = TimeSpan.FromMilliseconds(250);

    /// <summary>The service's descriptor, which JSON transcoding looks for on the type that binds the service.</summary>
    public static ServiceDescriptor Descriptor => ImportService.Descriptor;

    /// <summary>Binds the service with <see cref="MalformedRequestBinder"/>.</summary>
    public static void BindService(ServiceBinderBase binder, ImportService.ImportServiceBase service) =>
        ImportService.BindService(new MalformedRequestBinder(binder), service);

    public override async Task<Contract.Import> CreateImport(CreateImportRequest request, ServerCallContext context)
    {
        var import = request.Import ?? throw RpcErrors.InvalidArgument("import", "import is required");
        var definition = new ImportDefinition(
            import.ImportId,
            import.Source,
            import.Query,
            import.Schedule,
            import.LookbackDays == 0 ? ImportDefinition.DefaultLookbackDays : import.LookbackDays,
            import.HasRestateThreshold ? import.RestateThreshold : ImportDefinition.DefaultRestateThreshold,
            import.IsTest,
            import.SignalQuery,
            import.MaxRejectedRows,
            default);
        return ToProto(Answer(await Imports(context).Create(definition)));
    }

    public override async Task<ListImportsResponse> ListImports(ListImportsRequest request, ServerCallContext context) =>
        new() { Imports = { (await Imports(context).List()).Select(ToProto) } };

    public override async Task<Contract.Import> GetImport(GetImportRequest request, ServerCallContext context) =>
        ToProto(Answer(await Imports(context).Get(Existing(request.ImportId))));

    public override async Task<DeleteImportResponse> DeleteImport(DeleteImportRequest request, ServerCallContext context)
    {
        Answer(await Imports(context).Delete(Existing(request.ImportId)));
        return new DeleteImportResponse();
    }

    public override async Task<ImportRun> RunImport(RunImportRequest request, ServerCallContext context) =>
        ToProto(Answer(await Imports(context).Run(Existing(request.ImportId), request.FromDate, request.ToDate)));

    public override async Task<ListImportRunsResponse> ListImportRuns(ListImportRunsRequest request, ServerCallContext context) =>
        new() { Runs = { Answer(await Imports(context).Runs(Existing(request.ImportId))).Select(ToProto) } };

    public override async Task WatchImportRun(WatchImportRunRequest request, IServerStreamWriter<ImportRun> responseStream, ServerCallContext context)
    {
        var imports = Imports(context);
        var importId = Existing(request.ImportId);
        await StreamDrain.RunAsync(context, "watch the run again through another node", async cancellation =>
        {
            ImportRun? sent = null;
            while (true)
            {
                var run = Answer(await imports.GetRun(importId, request.RunId));
                var message = ToProto(run);
                if (!message.Equals(sent))
                {
                    await responseStream.WriteAsync(message, cancellation);
                    sent = message;
                }
                if (run.Ended)
                    return;
                await Task.Delay(WatchPoll, cancellation);
            }
        });
    }

    private IImportsGrain Imports(ServerCallContext context) => grains.GetGrain<IImportsGrain>(context.Caller().Project);

    /// <summary>An import ID that an import can have, or INVALID_ARGUMENT on <c>import_id</c> (its value quoted cut short).</summary>
    private static string Existing(string importId) =>
        ImportRules.ImportIdProblem(importId) is { } problem ? throw RpcErrors.InvalidArgument("import_id", problem) : importId;

    private static T Answer<T>(ImportAnswer<T> answer) => answer.Refusal switch
    {
        null => answer.Value!,
        ImportRefusal.Invalid => throw RpcErrors.InvalidArgument(answer.Field, answer.Message),
        ImportRefusal.NotFound => throw RpcErrors.NotFound(answer.Message),
        ImportRefusal.AlreadyExists => throw new RpcException(new Status(StatusCode.AlreadyExists, answer.Message)),
        ImportRefusal.Busy => throw RpcErrors.FailedPrecondition(answer.Message),
        _ => throw new InvalidOperationException($"unexpected refusal {answer.Refusal}"),
    };

    private static Contract.Import ToProto(ImportView view)
    {
        var definition = view.Definition;
        var import = new Contract.Import
        {
            ImportId = definition.ImportId,
            Source = definition.Source,
            Query = definition.Query,
            Schedule = definition.Schedule,
            LookbackDays = definition.LookbackDays,
            RestateThreshold = definition.RestateThreshold,
            IsTest = definition.IsTest,
            SignalQuery = definition.SignalQuery,
            MaxRejectedRows = definition.MaxRejectedRows,
            CreatedAt = Timestamp.FromDateTimeOffset(definition.CreatedAt),
        };
        if (view.LastRun is { } run)
            import.LastRun = ToProto(run);
        return import;
    }

    private static ImportRun ToProto(Runs.ImportRunState run)
    {
        var proto = new ImportRun
        {
            ImportId = run.ImportId,
            RunId = run.RunId,
            Status = run.Status switch
            {
                Runs.ImportRunStatus.Pending => ImportRunStatus.Pending,
                Runs.ImportRunStatus.Running => ImportRunStatus.Running,
                Runs.ImportRunStatus.Succeeded => ImportRunStatus.Succeeded,
                _ => ImportRunStatus.Failed,
            },
            FromDate = run.FromDate,
            ToDate = run.ToDate,
            RowsRead = run.RowsRead,
            RowsApplied = run.RowsApplied,
            RowsRejected = run.RowsRejected,
            DaysLoaded = run.DaysLoaded,
            DaysUnchanged = run.DaysUnchanged,
            DaysRestated = run.DaysRestated,
            Errors = { run.Errors.Select(e => new Contract.ImportRowError { Row = e.Row, Column = e.Column, Reason = e.Reason, Date = e.Date }) },
            StartedAt = Timestamp.FromDateTimeOffset(run.StartedAt),
            Message = run.Message,
            Trigger = run.Trigger,
        };
        if (run.ScheduledFor is { } scheduledFor)
            proto.ScheduledFor = Timestamp.FromDateTimeOffset(scheduledFor);
        if (run.FinishedAt is { } finishedAt)
            proto.FinishedAt = Timestamp.FromDateTimeOffset(finishedAt);
        return proto;
    }
}
