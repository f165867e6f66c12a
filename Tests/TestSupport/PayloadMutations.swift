public import JSON

/// Payloads changed one place at a time, for the tests that hold a plain reader of payloads
/// (`PlainRecord`) to the strict one: every member and the first element of every array, given
/// values of every JSON kind at and past the limits the rules set, or taken out.
public enum PayloadMutations {
    /// A step of a path into a payload: a member's name, or an array's index.
    public enum Step: Hashable, Sendable {
        case member(String)
        case index(Int)
    }

    /// Every path to a value in `data` (members, and the first element of each array).
    public static func paths(_ data: JSONValue, _ prefix: [Step] = []) -> [[Step]] {
        switch data {
        case .object(let members): members.flatMap { [prefix + [.member($0.key)]] + paths($0.value, prefix + [.member($0.key)]) }
        case .array(let elements): elements.first.map { [prefix + [.index(0)]] + paths($0, prefix + [.index(0)]) } ?? []
        default: []
        }
    }

    /// `data` with the value at `path` set to `value` (the member removed when nil); unchanged
    /// where the path leads nowhere.
    public static func replacing(_ data: JSONValue, _ path: ArraySlice<Step>, with value: JSONValue?) -> JSONValue {
        guard let step = path.first else { return value ?? data }
        switch (step, data) {
        case (.member(let name), .object(var members)):
            guard let i = members.firstIndex(where: { $0.key == name }) else { return data }
            if path.count == 1, value == nil {
                members.remove(at: i)
            } else {
                members[i].value = replacing(members[i].value, path.dropFirst(), with: value)
            }
            return .object(members)
        case (.index(let i), .array(var elements)) where i < elements.count:
            elements[i] = replacing(elements[i], path.dropFirst(), with: value)
            return .array(elements)
        default:
            return data
        }
    }

    /// `data` with one more member, `colour` (no payload has it).
    public static func withUnknownMember(_ data: JSONValue) -> JSONValue {
        guard case .object(let members) = data else { return data }
        return .object(members + [(key: "colour", value: "red")])
    }

    /// Values put in place of each member and element: of every JSON kind, blank, too long,
    /// holding a control character, a personal number, an impossible date, a sealed value
    /// whose subject is not a pseudonym.
    public static let substitutes: [JSONValue?] = [
        nil, .null, .bool(true), .number(0), .number(-3), .number(1.5), .number(9_007_199_254_740_992), .number(7),
        .string(""), .string(" "), .string("beras\u{1}"), .string(String(repeating: "x", count: 101)),
        .string(String(repeating: "x", count: 201)), .string("Budi Santoso"), .string("2018-02-30"), .string("2018-08-06T10:00:00+08:00"),
        .string("telp 081234567890"), .string("DN-2018-000001"), .string("email"), .string("online"), .array([]), .object([]),
        .array([.string("sms"), .string("sms")]),
        .object([(key: "sealed", value: "v1"), (key: "subject", value: "subj-0"), (key: "ciphertext", value: "x")]),
    ]

    /// Each change of `data` (every path, every substitute; and an unknown member), with a label.
    public static func changes(of data: JSONValue) -> [(label: String, data: JSONValue)] {
        var out = [("an unknown member", withUnknownMember(data))]
        for path in paths(data) {
            for value in substitutes {
                out.append(("\(path) = \(value.map { String(describing: $0) } ?? "removed")", replacing(data, path[...], with: value)))
            }
        }
        return out
    }
}
