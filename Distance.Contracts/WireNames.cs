namespace Distance.Contracts;

// Why every member below carries [DataMember(Name = "camelCase")]:
// JSON (System.Text.Json with the web defaults) ignores the attribute and camel-cases by policy,
// but SignalR's MessagePack protocol (MessagePack-CSharp's contractless resolver) keys a map by
// the member's name as written, "RoomId", unless the type is a [DataContract] and a DataMember
// name says otherwise (a DataMember name without the DataContract is silently ignored). Browser and
// mobile clients send and expect "roomId", as the contract says, so without these names their
// SendMessage did not bind and every event they received had keys they did not know.
// WireNamesTests checks that every public contract member is named this way.
