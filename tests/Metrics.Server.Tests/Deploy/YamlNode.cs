using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Metrics.Server.Tests.Deploy;

/// <summary>
/// A node of a YAML (or JSON) document read as plain data, which names its path when a test asks for something it
/// does not hold: <c>deployment["spec"]["template"]["metadata"]["labels"]</c>. Merge keys (<c>&lt;&lt;: *anchor</c>) are resolved.
/// </summary>
public sealed class YamlNode(object? value, string path)
{
    public string Path { get; } = path;

    /// <summary>Every document of a file, in order.</summary>
    public static IReadOnlyList<YamlNode> Documents(string file)
    {
        using var reader = new StreamReader(file);
        var parser = new MergingParser(new Parser(reader));
        var deserializer = new DeserializerBuilder().Build();
        parser.Consume<StreamStart>();
        var documents = new List<YamlNode>();
        while (parser.Accept<DocumentStart>(out _))
            documents.Add(new YamlNode(deserializer.Deserialize<object?>(parser), $"{System.IO.Path.GetFileName(file)}#{documents.Count}"));
        return documents;
    }

    public YamlNode this[string key] => Find(key) ?? throw new Xunit.Sdk.XunitException($"{Path} has no \"{key}\"");

    /// <summary>The child <paramref name="key"/>, or null when the node is not a mapping holding it.</summary>
    public YamlNode? Find(string key) =>
        value is IDictionary<object, object?> map && map.TryGetValue(key, out var child) ? new YamlNode(child, $"{Path}.{key}") : null;

    public bool IsMapping => value is IDictionary<object, object?>;

    /// <summary>A mapping's entries, in the document's order.</summary>
    public IEnumerable<KeyValuePair<string, YamlNode>> Entries => value is IDictionary<object, object?> map
        ? map.Select(e => new KeyValuePair<string, YamlNode>((string)e.Key, new YamlNode(e.Value, $"{Path}.{e.Key}")))
        : throw new Xunit.Sdk.XunitException($"{Path} is not a mapping");

    public IReadOnlyList<YamlNode> Items => value is IList<object?> list
        ? list.Select((item, i) => new YamlNode(item, $"{Path}[{i}]")).ToList()
        : throw new Xunit.Sdk.XunitException($"{Path} is not a sequence");

    public string Text => value as string ?? throw new Xunit.Sdk.XunitException($"{Path} is not a scalar");

    public int Number => int.TryParse(Text, out var number) ? number : throw new Xunit.Sdk.XunitException($"{Path} ({Text}) is not a number");

    /// <summary>A mapping of scalars, such as labels.</summary>
    public IReadOnlyDictionary<string, string> Strings() => Entries.ToDictionary(e => e.Key, e => e.Value.Text);

    /// <summary>The item of a sequence of mappings whose <c>name</c> is <paramref name="name"/> (containers, ports, env).</summary>
    public YamlNode Named(string name) => Items.SingleOrDefault(i => i.Find("name")?.Text == name)
        ?? throw new Xunit.Sdk.XunitException($"{Path} has no item named \"{name}\"");

    public override string ToString() => Path;
}
