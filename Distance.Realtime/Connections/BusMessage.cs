using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Distance.Realtime.Connections;

/// <summary>What one publish on the cluster bus asks every node to do.</summary>
public enum BusKind : byte
{
    All,
    Connections,
    Groups,
    Users,
    GroupAdd,
    GroupRemove,
}

/// <summary>
/// One publish on the cluster bus: whom it is for (connection ids, group names or user ids; for a
/// group change the connection id and the group), whom to leave out, and the hub invocation
/// already serialized by every protocol the hub speaks, so a receiving node writes the bytes its
/// connection's protocol needs without deserializing the arguments (as SignalR's Redis backplane does).
/// </summary>
public sealed record BusMessage(BusKind Kind, IReadOnlyList<string> Targets, IReadOnlyList<string> Excluded, IReadOnlyList<SerializedMessage> Payloads)
{
    public static BusMessage Invocation(BusKind kind, IReadOnlyList<string> targets, IReadOnlyList<string> excluded,
        IReadOnlyList<IHubProtocol> protocols, string method, object?[] args)
    {
        var message = new InvocationMessage(method, args);
        return new BusMessage(kind, targets, excluded, protocols.Select(p => new SerializedMessage(p.Name, p.GetMessageBytes(message))).ToList());
    }

    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            writer.Write((byte)Kind);
            WriteStrings(writer, Targets);
            WriteStrings(writer, Excluded);
            writer.Write(Payloads.Count);
            foreach (var payload in Payloads)
            {
                writer.Write(payload.ProtocolName);
                writer.Write(payload.Serialized.Length);
                writer.Write(payload.Serialized.Span);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>The payloads are slices of <paramref name="bytes"/>, not copies: every node reads every send.</summary>
    public static BusMessage FromBytes(byte[] bytes)
    {
        var stream = new MemoryStream(bytes);
        using var reader = new BinaryReader(stream);
        var kind = (BusKind)reader.ReadByte();
        var targets = ReadStrings(reader);
        var excluded = ReadStrings(reader);
        var payloads = new SerializedMessage[reader.ReadInt32()];
        for (var i = 0; i < payloads.Length; i++)
        {
            var name = reader.ReadString();
            var length = reader.ReadInt32();
            payloads[i] = new SerializedMessage(name, bytes.AsMemory((int)stream.Position, length));
            stream.Seek(length, SeekOrigin.Current);
        }
        return new BusMessage(kind, targets, excluded, payloads);
    }

    private static void WriteStrings(BinaryWriter writer, IReadOnlyList<string> values)
    {
        writer.Write(values.Count);
        foreach (var value in values)
            writer.Write(value);
    }

    private static string[] ReadStrings(BinaryReader reader)
    {
        var values = new string[reader.ReadInt32()];
        for (var i = 0; i < values.Length; i++)
            values[i] = reader.ReadString();
        return values;
    }
}
