using Metrics.Domain;

namespace Metrics.Imports.Schema;

/// <summary>
/// A (metric, day)'s fingerprint counted over its rows as they are read, the way the sources' fingerprint query
/// counts them (<see cref="ImportColumns.FingerprintSql"/>): every row counted; a ratio row's numerator and
/// denominator summed, any other row's value (0 when it has none); a figure the validation cannot accept (not finite,
/// or beyond <see cref="RecordValidator.MaxMagnitude"/>) left out of the sums, as <see cref="ValueSql.Acceptable"/>
/// leaves it out. Compared with the source's own fingerprint, it tells whether the rows read are the rows fingerprinted.
/// </summary>
public sealed class DayFingerprintTally
{
    /// <summary>
    /// How far two sums of the same figures may differ, relative to the sum of their magnitudes: a database adds them
    /// in an order of its own, and each addition rounds (at most about n × 1.1e-16 of it for n rows).
    /// </summary>
    private const double Tolerance = 1e-8;

    private double _magnitude;

    public long Rows { get; private set; }

    public double ValueSum { get; private set; }

    public double NumeratorSum { get; private set; }

    public double DenominatorSum { get; private set; }

    public void Add(in SourceRow row)
    {
        Rows++;
        if (row.IsRatio)
        {
            NumeratorSum += Acceptable(row.Numerator!.Value);
            DenominatorSum += Acceptable(row.Denominator!.Value);
        }
        else
        {
            ValueSum += Acceptable(row.Value);
        }
    }

    /// <summary>The fingerprint of the rows added, as the source's query gives it.</summary>
    public DayFingerprint ToFingerprint(string metricName, string date) => new(metricName, date, Rows, ValueSum, NumeratorSum, DenominatorSum);

    /// <summary>Whether the rows added are those the source counted: the same number, and sums equal but for rounding.</summary>
    public bool Agrees(long rows, double valueSum, double numeratorSum, double denominatorSum)
    {
        var slack = Tolerance * _magnitude;
        return rows == Rows
            && Math.Abs(valueSum - ValueSum) <= slack
            && Math.Abs(numeratorSum - NumeratorSum) <= slack
            && Math.Abs(denominatorSum - DenominatorSum) <= slack;
    }

    private double Acceptable(double figure)
    {
        if (!(Math.Abs(figure) <= RecordValidator.MaxMagnitude))
            return 0;
        _magnitude += Math.Abs(figure);
        return figure;
    }
}
