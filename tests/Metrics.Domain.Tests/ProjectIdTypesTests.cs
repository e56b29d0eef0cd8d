using Metrics.Domain;

namespace Metrics.Domain.Tests;

public class ProjectIdTypesTests
{
    private static readonly ProjectIdTypes Defaults = new(ProjectIdTypes.Defaults);

    [Theory]
    [InlineData("userID", "user_id")]
    [InlineData("UserId", "user_id")]
    [InlineData("user-id", "user_id")]
    [InlineData("User_Id", "user_id")]
    [InlineData("StableID", "stable_id")]
    [InlineData("stable-id", "stable_id")]
    [InlineData("user_idd", "user_id")]
    [InlineData("usr_id", "user_id")]
    [InlineData("stabel_id", "stable_id")]
    public void Suggest_FindsClosestDefinedType(string input, string expected)
    {
        Assert.Equal(expected, Defaults.Suggest(input));
    }

    [Theory]
    [InlineData("zzzzzzzz")]
    [InlineData("device_fingerprint")]
    public void Suggest_NullWhenNothingIsClose(string input)
    {
        Assert.Null(Defaults.Suggest(input));
    }

    [Fact]
    public void Defaults_AreUserIdAndStableId()
    {
        Assert.Equal(new[] { "user_id", "stable_id" }, ProjectIdTypes.Defaults);
        Assert.Equal(new[] { "stable_id", "user_id" }, Defaults.All); // ordinal order
    }

    [Fact]
    public void TryGetDefined_IsCaseSensitive()
    {
        Assert.True(Defaults.TryGetDefined("user_id", out _));
        Assert.True(Defaults.TryGetDefined("stable_id", out _));
        Assert.False(Defaults.TryGetDefined("User_Id", out _));
        Assert.False(Defaults.TryGetDefined("USER_ID", out _));
        Assert.False(Defaults.TryGetDefined("userID", out _));
        Assert.False(Defaults.TryGetDefined("", out _));
    }

    [Fact]
    public void CustomTypes_ReplaceTheDefaults()
    {
        var types = new ProjectIdTypes(["company_id", "user_id"]);
        Assert.True(types.TryGetDefined("company_id", out _));
        Assert.False(types.TryGetDefined("stable_id", out _));
        Assert.Equal("company_id", types.Suggest("CompanyID"));
    }

    [Fact]
    public void Describe_SuggestsClosestAndListsDefined()
    {
        var message = Defaults.Describe("userID");
        Assert.Contains("\"userID\"", message);
        Assert.Contains("did you mean \"user_id\"", message);
        Assert.Contains("stable_id", message);
    }

    [Fact]
    public void Describe_WithoutSuggestion_HasNoHint()
    {
        var message = Defaults.Describe("zzzzzzzz");
        Assert.Contains("\"zzzzzzzz\"", message);
        Assert.DoesNotContain("did you mean", message);
    }
}
