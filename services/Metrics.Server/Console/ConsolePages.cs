using Microsoft.Extensions.FileProviders;

namespace Metrics.Server.Console;

/// <summary>
/// The console (SPEC §6), built from <c>web/console</c> into <c>wwwroot</c>: its assets, and its page for each of the
/// paths it routes in the browser. Every response carries a strict Content-Security-Policy: scripts, styles and calls
/// only from this server, no inline script or style, no framing — so a metric name or ID holding markup cannot run.
/// </summary>
internal static class ConsolePages
{
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly string[] Pages = ["/", "/readiness", "/imports", "/metrics/{**metric_name:minlength(1)}"];

    public static void MapConsole(this WebApplication app)
    {
        var root = app.Environment.WebRootFileProvider;
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = root,
            OnPrepareResponse = context =>
            {
                AddSecurityHeaders(context.Context.Response);
                // The assets' names carry a hash of their content.
                context.Context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            },
        });
        var page = root.GetFileInfo("index.html");
        foreach (var path in Pages)
            app.MapGet(path, (HttpContext context) => ServePage(context, page)).ExcludeFromDescription();
    }

    private static IResult ServePage(HttpContext context, IFileInfo page)
    {
        if (!page.Exists)
            return Results.Problem("the console was not built: run npm ci and npm run build in web/console", statusCode: StatusCodes.Status404NotFound);
        AddSecurityHeaders(context.Response);
        context.Response.Headers.CacheControl = "no-cache";
        return Results.Stream(page.CreateReadStream(), "text/html; charset=utf-8");
    }

    private static void AddSecurityHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.XFrameOptions = "DENY";
    }
}
