using System.Reflection;
using System.Runtime.Serialization;
using Distance.Contracts;

namespace Distance.Tests.Client;

/// <summary>
/// The contract's DTOs name every member in camelCase for MessagePack as JSON's policy does: a
/// record without [DataContract], or a member without its DataMember name, would put PascalCase
/// keys on the MessagePack wire (see Distance.Contracts/WireNames.cs).
/// </summary>
public sealed class WireNamesTests
{
    public static TheoryData<string> ContractTypes =>
        [.. typeof(ChatMessage).Assembly.GetExportedTypes().Where(t => t.GetProperties().Length > 0 && !t.IsAbstract).Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(ContractTypes))]
    public void EveryContractMemberCarriesItsCamelCaseName(string typeName)
    {
        var type = typeof(ChatMessage).Assembly.GetExportedTypes().Single(t => t.Name == typeName);

        Assert.NotNull(type.GetCustomAttribute<DataContractAttribute>());
        Assert.All(type.GetProperties(BindingFlags.Public | BindingFlags.Instance), property =>
        {
            var name = property.GetCustomAttribute<DataMemberAttribute>()?.Name;
            Assert.Equal(char.ToLowerInvariant(property.Name[0]) + property.Name[1..], name);
        });
    }
}
