using Metrics.Contracts.V1;
using Microsoft.OpenApi.Models;

namespace Metrics.Server.Operations;

/// <summary>
/// The OpenAPI description of the JSON routes, generated from the protos — their <c>google.api.http</c> options, and
/// their comments as descriptions — by Microsoft.AspNetCore.Grpc.Swagger. Served on the admin endpoint only.
/// </summary>
internal static class OpenApiDescription
{
    private const string Route = "/openapi/{documentName}.json";

    private const string KeyScheme = "statsig-api-key";

    public static IServiceCollection AddOpenApiDescription(this IServiceCollection services)
    {
        services.AddGrpcSwagger();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Metrics",
                Version = "v1",
                Description = "The JSON routes of the metrics.v1 gRPC services (gRPC JSON transcoding).",
            });
            var comments = Path.Combine(AppContext.BaseDirectory, $"{typeof(IngestService).Assembly.GetName().Name}.xml");
            options.IncludeXmlComments(comments);
            options.IncludeGrpcXmlComments(comments, includeControllerXmlComments: true);
            var key = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = KeyScheme,
                Description = "A server secret, or an ingest key for IngestService.",
                Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = KeyScheme },
            };
            options.AddSecurityDefinition(KeyScheme, key);
            options.AddSecurityRequirement(new OpenApiSecurityRequirement { [key] = [] });
        });
        return services;
    }

    public static void MapOpenApiDescription(this IEndpointRouteBuilder endpoints) => endpoints.MapSwagger(Route);
}
