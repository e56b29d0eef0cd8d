using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Metrics.Domain;
using Metrics.Grains.MetricDays;
using Metrics.Storage.Redis;
using Metrics.Storage.Redis.Storage;

namespace Metrics.Grains.Tests;

/// <summary>
/// Slices and sealed days are written to Redis without protobuf's generated objects: the bytes must be the ones the
/// generated code writes (so any protobuf reader reads them), and a day's chunks must merge back into the day.
/// </summary>
public class StoredWireTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 14, 18, 30, 5, 123, TimeSpan.Zero);

    private static string Text(Random random, int i) => (i % 4) switch
    {
        0 => $"user-{i}",
        1 => $"ユーザー{i}-{new string('x', random.Next(200))}",
        2 => i % 8 == 2 ? "" : $"{i}\"',;\u202e",
        _ => new string('é', random.Next(1, 300)),
    };

    private static double? Number(Random random, int i) => (i % 6) switch
    {
        0 => null,
        1 => 0,
        2 => -random.NextDouble() * 1e6,
        3 => 1e308,
        4 => double.Epsilon,
        _ => random.Next(1000),
    };

    [Theory]
    [InlineData(null, false, "")]
    [InlineData("key-1", true, "f0f1")]
    public void ASliceIsWrittenAsTheGeneratedCodeWritesIt(string? key, bool isTest, string fingerprint)
    {
        var random = new Random(11);
        var rows = Enumerable.Range(0, 2_000)
            .Select(i => new UnitRow(i % 3 == 0 ? "stable_id" : i % 97 == 0 ? "" : "user_id", Text(random, i), Number(random, i), Number(random, i + 1), Number(random, i + 2)))
            .ToArray();
        var slice = new MetricSlice(key, isTest, At, rows, fingerprint);

        var expected = new Slice { IdempotencyKey = key ?? "", IsTest = isTest, IngestedAt = Timestamp.FromDateTimeOffset(At), RequestFingerprint = fingerprint };
        foreach (var row in rows)
        {
            var stored = new Row { IdType = row.IdType, UserId = row.UserId };
            if (row.Value is { } value)
                stored.Value = value;
            if (row.Numerator is { } numerator)
                stored.Numerator = numerator;
            if (row.Denominator is { } denominator)
                stored.Denominator = denominator;
            expected.Rows.Add(stored);
        }

        var written = StoredSlices.Write(slice);

        Assert.Equal(expected.ToByteArray(), written);
        var read = StoredSlices.Read(written);
        Assert.Equal(rows, read.Rows);
        Assert.Equal((key, isTest, At, fingerprint), (read.IdempotencyKey, read.IsTest, read.IngestedAt, read.RequestFingerprint));
    }

    private static MetricDaySnapshot Day(int productionUnits, int testUnits, int keys, bool sealedAndLoaded)
    {
        var random = new Random(productionUnits + testUnits + keys);
        KeyValuePair<UnitKey, UnitTotals>[] Units(int count) => Enumerable.Range(0, count)
            .Select(i => KeyValuePair.Create(
                new UnitKey(i % 5 == 0 ? "stable_id" : "user_id", Text(random, i)),
                new UnitTotals(Number(random, i) ?? 0, Number(random, i + 1) ?? 0, Number(random, i + 3) ?? 0, i % 7 == 6 ? 0 : 1 + random.Next(1_000))))
            .ToArray();
        return new MetricDaySnapshot(
            sealedAndLoaded ? At : null, keys > 0 ? At.AddMinutes(-5) : null,
            new UnitSnapshot(true, Units(productionUnits)), new UnitSnapshot(false, Units(testUnits)),
            Enumerable.Range(0, keys).Select(i => $"key-{i}-{new string('k', random.Next(100))}").ToArray(),
            Enumerable.Range(0, keys).Select(i => i % 3 == 0 ? "" : Convert.ToHexStringLower(BitConverter.GetBytes(i))).ToArray(),
            sealedAndLoaded ? 2 : 0, sealedAndLoaded ? At.AddDays(1) : null, sealedAndLoaded ? "warehouse" : null,
            sealedAndLoaded ? new MetricDays.LoadFingerprint(5, 1.5, 2, 3) : null, sealedAndLoaded ? "restate" : null);
    }

    /// <summary>The whole day as one message, built with the generated code.</summary>
    private static SealedDay Generated(MetricDaySnapshot day)
    {
        Units Units(UnitSnapshot snapshot)
        {
            var units = new Units { IsRatio = snapshot.IsRatio };
            units.Units_.AddRange(snapshot.Units.Select(u => new Unit
            {
                IdType = u.Key.IdType, UserId = u.Key.UserId, Value = u.Value.Value, Numerator = u.Value.Numerator,
                Denominator = u.Value.Denominator, Rows = u.Value.Rows,
            }));
            return units;
        }
        var stored = new SealedDay
        {
            FinalizedAt = day.FinalizedAt is { } finalizedAt ? Timestamp.FromDateTimeOffset(finalizedAt) : null,
            LastIngestedAt = day.LastIngestedAt is { } lastIngestedAt ? Timestamp.FromDateTimeOffset(lastIngestedAt) : null,
            Production = Units(day.Production),
            Test = Units(day.Test),
            SealVersion = day.SealVersion,
            RestatedAt = day.RestatedAt is { } restatedAt ? Timestamp.FromDateTimeOffset(restatedAt) : null,
            VersionCause = day.VersionCause ?? "",
            LoadedBy = day.LoadedBy ?? "",
            Loaded = day.Loaded is { } loaded
                ? new Storage.Redis.Storage.LoadFingerprint { Rows = loaded.Rows, ValueSum = loaded.ValueSum, NumeratorSum = loaded.NumeratorSum, DenominatorSum = loaded.DenominatorSum }
                : null,
        };
        stored.IdempotencyKeys.AddRange(day.AppliedKeys);
        stored.IdempotencyFingerprints.AddRange(day.AppliedFingerprints);
        return stored;
    }

    [Theory]
    [InlineData(3_000, 500, 300, true)]
    [InlineData(3_000, 0, 0, false)]
    [InlineData(0, 0, 0, true)]
    public void ADayInOneChunkIsWrittenAsTheGeneratedCodeWritesIt(int productionUnits, int testUnits, int keys, bool sealedAndLoaded)
    {
        var day = Day(productionUnits, testUnits, keys, sealedAndLoaded);

        var chunk = Assert.Single(StoredSealedDays.Write(day, int.MaxValue));

        Assert.Equal(Generated(day).ToByteArray(), chunk);
    }

    [Theory]
    [InlineData(256)]
    [InlineData(4_096)]
    [InlineData(65_536)]
    public void ADayInChunksMergesBackIntoTheDayEachChunkWithinItsBound(int maxChunkBytes)
    {
        var day = Day(5_000, 1_000, 700, sealedAndLoaded: true);

        var chunks = StoredSealedDays.Write(day, maxChunkBytes);

        Assert.True(chunks.Count > 1);
        var merged = new SealedDay();
        foreach (var chunk in chunks)
        {
            var part = SealedDay.Parser.ParseFrom(chunk);
            Assert.Equal(part.IdempotencyKeys.Count, part.IdempotencyFingerprints.Count);
            // Over the bound only when one element alone is larger.
            var elements = (part.Production?.Units_.Count ?? 0) + (part.Test?.Units_.Count ?? 0) + part.IdempotencyKeys.Count;
            Assert.True(chunk.Length <= maxChunkBytes || elements == 1, $"a chunk of {chunk.Length} bytes holds {elements} elements");
            merged.MergeFrom(chunk);
        }
        Assert.Equal(Generated(day), merged);
        var read = StoredSealedDays.Read(chunks);
        Assert.Equal(day.Production.Units, read.Production.Units);
        Assert.Equal(day.Test.Units, read.Test.Units);
        Assert.Equal(day.AppliedKeys, read.AppliedKeys);
        Assert.Equal(day.AppliedFingerprints, read.AppliedFingerprints);
    }
}
