using System.Text.Json;
using System.Text.Json.Serialization;

namespace Distance.Client;

/// <summary>The JSON settings of the contract: camelCase (the web defaults); absent optional fields are left out.</summary>
public static class ContractJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
