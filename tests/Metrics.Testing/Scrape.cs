using System.Globalization;
using System.Text.RegularExpressions;

namespace Metrics.Testing;

/// <summary>One scrape of a node's <c>/metrics</c>, read as Prometheus' text format: a sample per line, <c>name{labels} value</c>.</summary>
public sealed partial class Scrape(string text)
{
    public string Text { get; } = text;

    public static async Task<Scrape> OfAsync(HttpClient admin) => new(await admin.GetStringAsync("metrics"));

    /// <summary>The value of the one sample named <paramref name="name"/> with at least <paramref name="labels"/>; null when none.</summary>
    public double? Value(string name, params (string Label, string Value)[] labels)
    {
        var found = Samples()
            .Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value))
            .ToList();
        return found.Count switch
        {
            0 => null,
            1 => found[0].Value,
            _ => throw new InvalidOperationException($"{found.Count} samples of {name} with {string.Join(",", labels)}"),
        };
    }

    /// <summary>Whether any sample is named <paramref name="name"/>.</summary>
    public bool Has(string name) => Samples().Any(s => s.Name == name);

    private IEnumerable<(string Name, Dictionary<string, string> Labels, double Value)> Samples()
    {
        foreach (var line in Text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
                continue;
            var match = SampleLine().Match(line);
            if (!match.Success)
                continue;
            var labels = LabelPair().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            yield return (match.Groups["name"].Value, labels, double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture));
        }
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
