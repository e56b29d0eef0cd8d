using Orleans.Serialization;
using StackExchange.Redis;

namespace Metrics.Storage.Redis;

/// <summary>Values stored in Redis, in the Orleans binary form of the types the grains already send each other.</summary>
internal sealed class RedisPayloads(Serializer serializer)
{
    public RedisValue Write<T>(T value) => serializer.SerializeToArray(value);

    public T Read<T>(RedisValue stored) => serializer.Deserialize<T>((byte[])stored!)
        ?? throw new InvalidDataException($"Redis holds no {typeof(T).Name} where one was expected");
}
