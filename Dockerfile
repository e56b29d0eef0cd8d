# The Metrics server image. Build from the repository root:
#   docker build -t metrics-server .
# Without Metrics__Redis it runs the embedded single-node mode; docker-compose.yml runs the Redis deployment.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Only what the server build needs: the shared props, the protos (compiled by Metrics.Contracts) and services/.
COPY Directory.Build.props Directory.Packages.props ./
COPY protos/ protos/
COPY services/ services/
RUN dotnet restore services/Metrics.Server/Metrics.Server.csproj
RUN dotnet publish services/Metrics.Server/Metrics.Server.csproj -c Release -o /app --no-restore -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# Listen on all interfaces inside the container. ASPNETCORE_HTTP_PORTS (8080 in the base image) is cleared:
# the two Kestrel endpoints below are the only ones.
ENV Kestrel__Endpoints__Grpc__Url=http://0.0.0.0:5001 \
    Kestrel__Endpoints__Json__Url=http://0.0.0.0:5000 \
    Kestrel__Endpoints__Admin__Url=http://0.0.0.0:9464 \
    ASPNETCORE_HTTP_PORTS= \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
# Hot methods are counted for optimization from their first call, not after the runtime's 100 ms of no new
# compilation, which a node under load kept postponing (docs/performance.md, change 15). Only an environment
# variable sets it; launchSettings.json gives it to `dotnet run`.
ENV DOTNET_TC_CallCountingDelayMs=0
# 5001 gRPC (HTTP/2 cleartext), 5000 JSON (HTTP/1.1), 9464 admin (/metrics, /healthz, /readyz), 11111 Orleans
# silo-to-silo, 30000 Orleans gateway.
EXPOSE 5000 5001 9464 11111 30000
# The non-root user of the .NET base images.
USER $APP_UID
ENTRYPOINT ["dotnet", "Metrics.Server.dll"]
