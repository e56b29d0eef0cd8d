namespace Metrics.Domain;

/// <summary>Why a field of a request is invalid. <see cref="Index"/> is the record's position, or -1 for the request.</summary>
public sealed record RecordViolation(int Index, string Field, string Description)
{
    /// <summary>The field path as a client names it: <c>metrics[3].id_type</c>, or <c>metrics</c>.</summary>
    public string Path => Index < 0 ? Field : $"metrics[{Index}].{Field}";

    /// <summary>
    /// The first violation of each record that has one, from <paramref name="violations"/> in record order (as
    /// <see cref="RecordValidator"/> gives them: a record's violations stand together).
    /// </summary>
    public static IEnumerable<RecordViolation> FirstOfEachRecord(IReadOnlyList<RecordViolation> violations)
    {
        var previous = -1;
        foreach (var violation in violations)
            if (violation.Index >= 0 && violation.Index != previous)
            {
                previous = violation.Index;
                yield return violation;
            }
    }
}
