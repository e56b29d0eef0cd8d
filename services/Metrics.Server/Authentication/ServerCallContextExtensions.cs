using Grpc.Core;

namespace Metrics.Server.Authentication;

public static class ServerCallContextExtensions
{
    /// <summary>The caller's project, as <see cref="ApiKeyInterceptor"/> authenticated it.</summary>
    public static ProjectAccess Caller(this ServerCallContext context) =>
        (ProjectAccess)context.UserState[typeof(ProjectAccess)];
}
