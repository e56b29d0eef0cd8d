using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Google.Protobuf.Reflection;
using Metrics.Domain;

namespace Metrics.Server.Endpoints;

/// <summary>
/// Where a JSON request body is not of its message's shape: a value of a JSON type its field cannot take (a string
/// for a number, a number for a string, an ISO date for a unix time), or a field given twice in one object — by
/// the same key, or by its proto name and its JSON name — which proto3 JSON parsers refuse. Each violation names
/// the field by its path (<c>metrics[1].metric_value</c>). The rules are those JSON transcoding reads by: what
/// passes here it reads as written. Fields the contract does not define are ignored, as transcoding ignores them.
/// </summary>
internal static class JsonShape
{
    private static readonly ConcurrentDictionary<MessageDescriptor, Dictionary<string, FieldDescriptor>> FieldsByKey = new();

    /// <summary>The violations of <paramref name="body"/>, a JSON object, against <paramref name="message"/>.</summary>
    public static List<RecordViolation> Check(JsonElement body, MessageDescriptor message)
    {
        var violations = new List<RecordViolation>();
        CheckObject(body, message, "", violations);
        return violations;
    }

    private static void CheckObject(JsonElement value, MessageDescriptor message, string path, List<RecordViolation> violations)
    {
        var keys = FieldsByKey.GetOrAdd(message, KeysOf);
        var given = new Dictionary<int, string>();
        foreach (var property in value.EnumerateObject())
        {
            if (!keys.TryGetValue(property.Name, out var field))
                continue;
            var fieldPath = path.Length == 0 ? field.Name : $"{path}.{field.Name}";
            if (!given.TryAdd(field.FieldNumber, property.Name))
            {
                var first = given[field.FieldNumber];
                violations.Add(Violation(fieldPath, first == property.Name
                    ? $"\"{first}\" is given twice in one object"
                    : $"given twice in one object, as \"{first}\" and as \"{property.Name}\""));
                continue;
            }
            CheckField(property.Value, field, fieldPath, violations);
        }
    }

    private static void CheckField(JsonElement value, FieldDescriptor field, string path, List<RecordViolation> violations)
    {
        if (field.IsMap)
        {
            if (value.ValueKind != JsonValueKind.Object)
                violations.Add(Expected(path, "an object", value));
            return;
        }
        if (!field.IsRepeated)
        {
            if (value.ValueKind != JsonValueKind.Null)
                CheckValue(value, field, path, violations);
            return;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            violations.Add(Expected(path, "an array", value));
            return;
        }
        var index = 0;
        foreach (var element in value.EnumerateArray())
        {
            var elementPath = $"{path}[{index++}]";
            if (element.ValueKind == JsonValueKind.Null)
                violations.Add(Violation(elementPath, "must not be null"));
            else
                CheckValue(element, field, elementPath, violations);
        }
    }

    private static void CheckValue(JsonElement value, FieldDescriptor field, string path, List<RecordViolation> violations)
    {
        var expected = field.FieldType switch
        {
            FieldType.Message or FieldType.Group => CheckMessage(value, field.MessageType, path, violations),
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
            violations.Add(Expected(path, expected, value));
    }

    /// <summary>Null when the value may be the message: well-known types (timestamps, wrappers) have JSON forms of their own.</summary>
    private static string? CheckMessage(JsonElement value, MessageDescriptor message, string path, List<RecordViolation> violations)
    {
        if (message.File.Package == "google.protobuf")
            return null;
        if (value.ValueKind != JsonValueKind.Object)
            return "an object";
        CheckObject(value, message, path, violations);
        return null;
    }

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

    /// <summary>A string, and one that decodes: an escaped lone surrogate (<c>"\ud800"</c>) does not.</summary>
    private static bool IsText(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
            return false;
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

    private static RecordViolation Expected(string path, string expected, JsonElement value) =>
        Violation(path, $"must be {expected}, got {KindOf(value)}");

    private static RecordViolation Violation(string path, string description) => new(-1, path, description);

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
