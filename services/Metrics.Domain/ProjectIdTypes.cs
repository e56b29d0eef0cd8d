namespace Metrics.Domain;

/// <summary>The ID types a project defines (case-sensitive), and the closest one to a mistyped name.</summary>
public sealed class ProjectIdTypes
{
    public static readonly IReadOnlyList<string> Defaults = ["user_id", "stable_id"];

    private readonly HashSet<string> _defined;

    public ProjectIdTypes(IEnumerable<string> defined)
    {
        _defined = new HashSet<string>(defined, StringComparer.Ordinal);
        All = _defined.Order(StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<string> All { get; }

    /// <summary>The project's own instance of <paramref name="idType"/>, or null when the project does not define it.</summary>
    public string? Defined(string idType) => _defined.TryGetValue(idType, out var defined) ? defined : null;

    /// <summary>
    /// The defined ID type the name most likely meant: the same letters and digits ignoring case and separators
    /// (userID, UserId, user-id all mean user_id), else the nearest by edit distance when it is close.
    /// </summary>
    public string? Suggest(string idType)
    {
        var folded = Fold(idType);
        var same = All.FirstOrDefault(d => Fold(d) == folded);
        if (same is not null)
            return same;
        if (All.Count == 0)
            return null;
        var nearest = All.Select(d => (Name: d, Distance: EditDistance(Fold(d), folded))).MinBy(x => x.Distance);
        return nearest.Name is not null && nearest.Distance <= Math.Max(2, folded.Length / 3) ? nearest.Name : null;
    }

    public string Describe(string idType)
    {
        var suggestion = Suggest(idType);
        var hint = suggestion is null ? "" : $"; did you mean \"{suggestion}\"?";
        return $"id_type \"{idType}\" is not defined in this project{hint} (defined: {string.Join(", ", All)})";
    }

    private static string Fold(string s) => new(s.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
