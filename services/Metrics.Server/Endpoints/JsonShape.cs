using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Google.Protobuf.Reflection;
using Metrics.Domain;

namespace Metrics.Server.Endpoints;

/// <summary>
/// Where a JSON request body is not of its message's shape: a value of a JSON type its field cannot take (a string
/// for a number, a number for a string, an ISO date for a unix time), or a field given twice in one object — by
/// the same key, or by its proto name and its JSON name — which proto3 JSON parsers refuse. Each violation names
/// the field by its path (<c>metrics[1].metric_value</c>). The rules are those JSON transcoding reads by: what
/// passes here it reads as written. Fields the contract does not define are ignored, as transcoding ignores them.
/// A body that is right (the common case, 10,000 records at most) is walked without an allocation a record: a
/// field's path is written out only for a violation.
/// </summary>
internal static class JsonShape
{
    private static readonly ConcurrentDictionary<MessageDescriptor, Dictionary<string, FieldDescriptor>> FieldsByKey = new();

    /// <summary>The violations of <paramref name="body"/>, a JSON object, against <paramref name="message"/>.</summary>
    public static List<RecordViolation> Check(JsonElement body, MessageDescriptor message)
    {
        var walk = new Walk();
        walk.CheckObject(body, message);
        return walk.Violations;
    }

    /// <summary>One check's violations, and the path from the body to the value being checked.</summary>
    private sealed class Walk
    {
        private readonly List<Segment> _path = [];

        public List<RecordViolation> Violations { get; } = [];

        public void CheckObject(JsonElement value, MessageDescriptor message)
        {
            var keys = FieldsByKey.GetOrAdd(message, KeysOf).GetAlternateLookup<ReadOnlySpan<char>>();
            // Per field (by its index in the message): 0 not given yet, 1 given by its proto name, 2 by its JSON name.
            Span<byte> given = stackalloc byte[message.Fields.InDeclarationOrder().Count];
            Span<char> nameBuffer = stackalloc char[MaxKeyLength];
            foreach (var property in value.EnumerateObject())
            {
                var name = NameOf(property, nameBuffer);
                if (!keys.TryGetValue(name, out var field))
                    continue;
                _path.Add(new Segment(field.Name, 0));
                var by = name.SequenceEqual(field.Name) ? (byte)1 : (byte)2;
                if (given[field.Index] != 0)
                {
                    var first = given[field.Index] == 1 ? field.Name : field.JsonName;
                    var second = property.Name;
                    Add(first == second
                        ? $"\"{first}\" is given twice in one object"
                        : $"given twice in one object, as \"{first}\" and as \"{second}\"");
                }
                else
                {
                    given[field.Index] = by;
                    CheckField(property.Value, field);
                }
                _path.RemoveAt(_path.Count - 1);
            }
        }

        private void CheckField(JsonElement value, FieldDescriptor field)
        {
            if (field.IsMap)
            {
                if (value.ValueKind != JsonValueKind.Object)
                    Expected("an object", value);
                return;
            }
            if (!field.IsRepeated)
            {
                if (value.ValueKind != JsonValueKind.Null)
                    CheckValue(value, field);
                return;
            }
            if (value.ValueKind != JsonValueKind.Array)
            {
                Expected("an array", value);
                return;
            }
            var index = 0;
            foreach (var element in value.EnumerateArray())
            {
                _path.Add(new Segment(null, index++));
                if (element.ValueKind == JsonValueKind.Null)
                    Add("must not be null");
                else
                    CheckValue(element, field);
                _path.RemoveAt(_path.Count - 1);
            }
        }

        private void CheckValue(JsonElement value, FieldDescriptor field)
        {
            var expected = field.FieldType switch
            {
                FieldType.Message or FieldType.Group => CheckMessage(value, field.MessageType),
                FieldType.Double or FieldType.Float => IsNumber(value) ? null : "a number (or \"NaN\", \"Infinity\", \"-Infinity\")",
                FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => IsInteger(value, long.MinValue, long.MaxValue) ? null : "a 64-bit integer",
                FieldType.UInt64 or FieldType.Fixed64 => IsUnsigned(value, ulong.MaxValue) ? null : "an unsigned 64-bit integer",
                FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => IsInteger(value, int.MinValue, int.MaxValue) ? null : "a 32-bit integer",
                FieldType.UInt32 or FieldType.Fixed32 => IsUnsigned(value, uint.MaxValue) ? null : "an unsigned 32-bit integer",
                FieldType.Bool => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : "true or false",
                FieldType.String => IsText(value) ? null : "a string of valid Unicode",
                FieldType.Bytes => value.ValueKind == JsonValueKind.String ? null : "a base64 string",
                FieldType.Enum => value.ValueKind is JsonValueKind.String or JsonValueKind.Number ? null : "an enum name or number",
                _ => null,
            };
            if (expected is not null)
                Expected(expected, value);
        }

        /// <summary>Null when the value may be the message: well-known types (timestamps, wrappers) have JSON forms of their own.</summary>
        private string? CheckMessage(JsonElement value, MessageDescriptor message)
        {
            if (message.File.Package == "google.protobuf")
                return null;
            if (value.ValueKind != JsonValueKind.Object)
                return "an object";
            CheckObject(value, message);
            return null;
        }

        private void Expected(string expected, JsonElement value) => Add($"must be {expected}, got {KindOf(value)}");

        private void Add(string description) => Violations.Add(new RecordViolation(-1, PathText(), description));

        /// <summary>The path as a violation names it: <c>metrics[1].metric_value</c>.</summary>
        private string PathText()
        {
            var text = new StringBuilder();
            foreach (var segment in _path)
            {
                if (segment.Field is { } name)
                    text.Append(text.Length == 0 ? "" : ".").Append(name);
                else
                    text.Append('[').Append(segment.Index).Append(']');
            }
            return text.ToString();
        }
    }

    /// <summary>Longer than any key of the contract's messages: a longer name is no field's, whatever it decodes to.</summary>
    private const int MaxKeyLength = 64;

    /// <summary>
    /// A property's name without a string: its UTF-8 as characters in <paramref name="buffer"/>, when it is plain ASCII
    /// of a key's length (what every key of the contract is); else decoded, as JSON escapes may spell a key.
    /// </summary>
    private static ReadOnlySpan<char> NameOf(JsonProperty property, Span<char> buffer)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        if (raw.Length <= buffer.Length && !raw.Contains((byte)'\\') && Ascii.ToUtf16(raw, buffer, out var written) == OperationStatus.Done)
            return buffer[..written];
        return property.Name;
    }

    /// <summary>A step of a path: a field by its proto name, or (no name) an array's element by its index.</summary>
    private readonly record struct Segment(string? Field, int Index);

    private static bool IsNumber(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.TryGetDouble(out var number) && double.IsFinite(number),
        JsonValueKind.String => value.GetString() is "NaN" or "Infinity" or "-Infinity",
        _ => false,
    };

    private static bool IsInteger(JsonElement value, long min, long max) => value.ValueKind switch
    {
        JsonValueKind.Number => value.TryGetInt64(out var number) && number >= min && number <= max,
        JsonValueKind.String => long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            && number >= min && number <= max,
        _ => false,
    };

    private static bool IsUnsigned(JsonElement value, ulong max) => value.ValueKind switch
    {
        JsonValueKind.Number => value.TryGetUInt64(out var number) && number <= max,
        JsonValueKind.String => ulong.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number <= max,
        _ => false,
    };

    /// <summary>
    /// A string, and one that decodes: valid UTF-8, and no escaped lone surrogate (<c>"\ud800"</c>). Only a string
    /// with escapes is decoded to tell.
    /// </summary>
    private static bool IsText(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
            return false;
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (!raw.Contains((byte)'\\'))
            return Utf8.IsValid(raw);
        try
        {
            value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string KindOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => value.GetRawText() is { Length: <= 40 } number ? number : "a number of over 40 characters",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    /// <summary>Each field by both keys JSON may name it by: its proto name and its JSON (lowerCamelCase) name.</summary>
    private static Dictionary<string, FieldDescriptor> KeysOf(MessageDescriptor message)
    {
        var keys = new Dictionary<string, FieldDescriptor>(StringComparer.Ordinal);
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            keys[field.Name] = field;
            keys[field.JsonName] = field;
        }
        return keys;
    }
}
