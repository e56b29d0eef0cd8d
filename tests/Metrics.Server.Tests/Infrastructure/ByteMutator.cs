namespace Metrics.Server.Tests.Infrastructure;

/// <summary>
/// Mutates byte strings the way a fuzzer does — flipped bits, cut ends, repeated, overwritten and inserted spans,
/// edge-value bytes, splices of two inputs — driven by a seeded <see cref="Random"/>, so every run sends the same inputs.
/// </summary>
public sealed class ByteMutator(Random random)
{
    private static readonly byte[] EdgeValues = [0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF];

    /// <summary><paramref name="seed"/> with one to four mutations; <paramref name="other"/> is what splices take from.</summary>
    public byte[] Mutate(byte[] seed, byte[] other)
    {
        var bytes = new List<byte>(seed);
        var mutations = random.Next(1, 5);
        for (var i = 0; i < mutations; i++)
            Mutate(bytes, other);
        return bytes.ToArray();
    }

    private void Mutate(List<byte> bytes, byte[] other)
    {
        if (bytes.Count == 0)
        {
            bytes.AddRange(RandomBytes(random.Next(1, 16)));
            return;
        }
        var at = random.Next(bytes.Count);
        var span = random.Next(1, Math.Min(64, bytes.Count - at) + 1);
        switch (random.Next(7))
        {
            case 0:
                bytes[at] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            case 2:
                bytes.InsertRange(at, bytes.GetRange(at, span));
                break;
            case 3:
                for (var i = at; i < at + span; i++)
                    bytes[i] = (byte)random.Next(256);
                break;
            case 4:
                bytes.InsertRange(at, RandomBytes(random.Next(1, 16)));
                break;
            case 5:
                bytes[at] = EdgeValues[random.Next(EdgeValues.Length)];
                break;
            default:
                bytes.RemoveRange(at, bytes.Count - at);
                bytes.AddRange(other.Skip(random.Next(other.Length + 1)));
                break;
        }
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
