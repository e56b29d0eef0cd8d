using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Metrics.Domain;

namespace Metrics.Domain.Tests;

/// <summary>An idempotency key names one request: its fingerprint tells the same body from any other.</summary>
public class RequestFingerprintTests
{
    private static IncomingRecord Record(string user = "u1", double? value = 1, string date = "2026-01-14") =>
        new(user, "user_id", "clicks", value, null, null, date);

    private static string Of(params IncomingRecord[] records) => RequestFingerprint.Of(false, records);

    [Fact]
    public void TheSameBodyHasTheSameFingerprint()
    {
        Assert.Equal(Of(Record(), Record("u2")), Of(Record(), Record("u2")));
        Assert.Matches("^[0-9a-f]{64}$", Of(Record()));
    }

    [Fact]
    public void AnyDifferenceInTheBodyChangesIt()
    {
        var body = Of(Record("u1"), Record("u2"));
        Assert.NotEqual(body, Of(Record("u2"), Record("u1")));
        Assert.NotEqual(body, Of(Record("u1"), Record("u2", value: 2)));
        Assert.NotEqual(body, Of(Record("u1"), Record("u2", date: "")));
        Assert.NotEqual(body, Of(Record("u1")));
        Assert.NotEqual(body, RequestFingerprint.Of(true, [Record("u1"), Record("u2")]));
        Assert.NotEqual(Of(Record(value: 0)), Of(new IncomingRecord("u1", "user_id", "clicks", null, 0, 0, "2026-01-14")));
        Assert.NotEqual(Of(Record(value: 0.0)), Of(Record(value: -0.0)));
    }

    [Fact]
    public void FieldBoundariesCount()
    {
        var joinedLeft = Of(new IncomingRecord("ab", "c", "m", 1, null, null, ""));
        var joinedRight = Of(new IncomingRecord("a", "bc", "m", 1, null, null, ""));
        Assert.NotEqual(joinedLeft, joinedRight);
    }

    /// <summary>
    /// Fingerprints stored with keys outlive a release: the encoding is held to the one written in the type's
    /// summary, field by field, across buffer boundaries (10,000 records), for multi-byte text and for strings longer
    /// than the buffer.
    /// </summary>
    [Fact]
    public void TheFingerprintIsSha256OfTheCanonicalEncoding()
    {
        var records = Enumerable.Range(0, 10_000)
            .Select(i => new IncomingRecord($"ユーザー-{i}", i % 2 == 0 ? "user_id" : "stable_id", "revenue", i % 3 == 0 ? null : i * 0.5,
                i % 5 == 0 ? i : null, i % 5 == 0 ? 2 : null, i % 7 == 0 ? "" : "2026-01-14"))
            .Append(new IncomingRecord(new string('é', 40_000), "user_id", new string('m', 70_000), double.MaxValue, null, null, "2026-01-14"))
            .Append(new IncomingRecord("last", "user_id", "revenue", -0.0, null, null, "2026-01-14"))
            .ToList();
        Assert.Equal(FieldByField(true, records), RequestFingerprint.Of(true, records));
        Assert.Equal(FieldByField(false, []), RequestFingerprint.Of(false, []));
    }

    private static string FieldByField(bool isTest, IReadOnlyList<IncomingRecord> records)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var head = new byte[5];
        head[0] = isTest ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(1), records.Count);
        hash.AppendData(head);
        void Text(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            var length = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }
        void Number(double? number)
        {
            var bytes = new byte[9];
            bytes[0] = number.HasValue ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(1), BitConverter.DoubleToInt64Bits(number ?? 0));
            hash.AppendData(bytes);
        }
        foreach (var r in records)
        {
            Text(r.UserId);
            Text(r.IdType);
            Text(r.MetricName);
            Number(r.MetricValue);
            Number(r.Numerator);
            Number(r.Denominator);
            Text(r.Date);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
