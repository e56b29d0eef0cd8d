using Metrics.Storage.Redis;
using Microsoft.Extensions.Options;

namespace Metrics.Server.Configuration;

/// <summary>Refuses, at start-up, a sealed-day chunk size outside the range Redis values are cut to, naming its key.</summary>
internal sealed class SealedDayStorageOptionsValidator : IValidateOptions<SealedDayStorageOptions>
{
    public const string Section = $"{MetricsOptions.Section}:SealedDays";

    public ValidateOptionsResult Validate(string? name, SealedDayStorageOptions options) =>
        options.ChunkBytes is >= SealedDayStorageOptions.MinChunkBytes and <= SealedDayStorageOptions.MaxChunkBytes
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{Section}:{nameof(options.ChunkBytes)} must be from {SealedDayStorageOptions.MinChunkBytes} to {SealedDayStorageOptions.MaxChunkBytes}, got {options.ChunkBytes}");
}
