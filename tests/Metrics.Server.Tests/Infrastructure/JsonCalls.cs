using System.Net;
using System.Text;

namespace Metrics.Server.Tests.Infrastructure;

/// <summary>Calls of the JSON routes as a client makes them.</summary>
public static class JsonCalls
{
    /// <summary>POSTs <paramref name="body"/> as <c>application/json</c> with <paramref name="key"/>; the status and the body of the answer.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> PostJsonAsync(this HttpClient http, string path, string key, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("statsig-api-key", key);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
