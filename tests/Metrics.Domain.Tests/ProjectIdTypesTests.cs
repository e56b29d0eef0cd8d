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
    public void Defined_IsCaseSensitive()
    {
        Assert.Equal("user_id", Defaults.Defined("user_id"));
        Assert.Equal("stable_id", Defaults.Defined("stable_id"));
        Assert.Null(Defaults.Defined("User_Id"));
        Assert.Null(Defaults.Defined("USER_ID"));
        Assert.Null(Defaults.Defined("userID"));
        Assert.Null(Defaults.Defined(""));
        // The project's own instance, whatever string asks.
        Assert.Same(Defaults.All.Single(t => t == "user_id"), Defaults.Defined(new string("user_id".AsSpan())));
    }

    [Fact]
    public void CustomTypes_ReplaceTheDefaults()
    {
        var types = new ProjectIdTypes(["company_id", "user_id"]);
        Assert.Equal("company_id", types.Defined("company_id"));
        Assert.Null(types.Defined("stable_id"));
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
