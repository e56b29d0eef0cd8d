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
}
