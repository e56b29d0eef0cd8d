using Google.Protobuf;

namespace Metrics.Cli.Output;

/// <summary>Messages as the JSON API writes them (proto3 JSON), every field shown.</summary>
internal static class ProtoJson
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public static string Format(IMessage message) => Formatter.Format(message);
}
