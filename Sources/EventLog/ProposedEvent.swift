public import JSON

/// An event offered to the log, checked for everything that can be checked without the log:
/// names, id, payload JSON (strict, canonicalized with JCS, numbers within the payload policy)
/// and sizes. Building one that breaks a rule throws an `EventLogError` naming the field.
public struct ProposedEvent: Sendable {
    /// Largest `data`, in bytes (of its canonical form and of the text given).
    public static let maxDataBytes = 1 << 20
    /// Largest `metadata`, in bytes.
    public static let maxMetadataBytes = 64 << 10

    public let stream: String
    public let type: String
    /// The client's id (idempotency); nil lets the log make one.
    public private(set) var id: EventID?
    /// `data` as RFC 8785 canonical JSON.
    public let data: [UInt8]
    /// `data` parsed, for rules that look inside it.
    public let dataValue: JSONValue
    /// When it happened in the world; nil means "when recorded".
    public let occurredAt: Timestamp?
    /// The caller's metadata fields (`correlationId`, `causationId`, ...), without `actor`.
    public let metadata: [(key: String, value: JSONValue)]
    /// Checked against the stream's version just before this event is written.
    public let expectedVersion: ExpectedVersion

    /// - Parameters:
    ///   - data: the payload as JSON text (any formatting); it must be an object.
    ///   - metadata: a JSON object, or nil; an `actor` in it is ignored (the server sets it).
    public init(
        stream: String, type: String, data: [UInt8], id: EventID? = nil, occurredAt: Timestamp? = nil,
        metadata: [UInt8]? = nil, expectedVersion: ExpectedVersion = .any
    ) throws(EventLogError) {
        guard data.count <= Self.maxDataBytes else {
            throw EventLogError(
                .tooLarge, "data: \(data.count) bytes, more than the \(Self.maxDataBytes) allowed", field: "data")
        }
        let parsed: (value: JSONValue, canonical: [UInt8])
        do {
            parsed = try PayloadPolicy.parsePayload(data)
        } catch {
            throw EventLogError(.invalidInput, "data: \(error.description)", field: Self.field("data", error))
        }
        try self.init(
            stream: stream, type: type, value: parsed.value, canonical: parsed.canonical, id: id,
            occurredAt: occurredAt, metadata: metadata, expectedVersion: expectedVersion)
    }

    /// As above, from an already parsed payload (checked against the payload policy here).
    public init(
        stream: String, type: String, value: JSONValue, id: EventID? = nil, occurredAt: Timestamp? = nil,
        metadata: [UInt8]? = nil, expectedVersion: ExpectedVersion = .any
    ) throws(EventLogError) {
        do {
            try PayloadPolicy.check(value)
        } catch {
            throw EventLogError(.invalidInput, "data: \(error.description)", field: Self.field("data", error))
        }
        try self.init(
            stream: stream, type: type, value: value, canonical: CanonicalJSON.encode(value), id: id,
            occurredAt: occurredAt, metadata: metadata, expectedVersion: expectedVersion)
    }

    private init(
        stream: String, type: String, value: JSONValue, canonical: [UInt8], id: EventID?, occurredAt: Timestamp?,
        metadata: [UInt8]?, expectedVersion: ExpectedVersion
    ) throws(EventLogError) {
        try Names.checkStream(stream)
        try Names.checkType(type)
        guard case .object = value else {
            throw .invalid("data", "must be a JSON object")
        }
        guard canonical.count <= Self.maxDataBytes else {
            throw EventLogError(
                .tooLarge, "data: \(canonical.count) bytes, more than the \(Self.maxDataBytes) allowed", field: "data")
        }
        if let occurredAt, occurredAt < Timestamp.minimum || occurredAt > Timestamp.maximum {
            throw .invalid("occurredAt", "must lie between the years 0001 and 9999")
        }
        var fields: [(key: String, value: JSONValue)] = []
        if let metadata {
            guard metadata.count <= Self.maxMetadataBytes else {
                throw EventLogError(
                    .tooLarge, "metadata: \(metadata.count) bytes, more than the \(Self.maxMetadataBytes) allowed",
                    field: "metadata")
            }
            let parsed: JSONValue
            do {
                parsed = try JSONParser.parse(metadata)
                try PayloadPolicy.check(parsed)
            } catch {
                throw EventLogError(.invalidInput, "metadata: \(error.description)", field: "metadata")
            }
            guard case .object(let members) = parsed else { throw .invalid("metadata", "must be a JSON object") }
            fields = members.filter { $0.key != "actor" }
        }
        self.stream = stream
        self.type = type
        self.id = id
        self.data = canonical
        self.dataValue = value
        self.occurredAt = occurredAt
        self.metadata = fields
        self.expectedVersion = expectedVersion
    }

    /// The same event under the client's id `id` (a form drawn with an event id: its resend is
    /// the same event, written once).
    public func identified(by id: EventID) -> ProposedEvent {
        var copy = self
        copy.id = id
        return copy
    }

    /// `data.items[0].price` for a JSON error at `$.items[0].price`.
    static func field(_ root: String, _ error: JSONError) -> String {
        guard let path = error.path, path.hasPrefix("$") else { return root }
        return root + path.dropFirst()
    }

    /// The metadata as stored: the caller's fields plus `actor`, canonical.
    func metadataBytes(actor: String) -> [UInt8] {
        var members = metadata
        members.append((key: "actor", value: .string(actor)))
        return CanonicalJSON.encode(.object(members))
    }
}

/// One all-or-nothing write: events for one or several streams, by one actor.
public struct AppendRequest: Sendable {
    /// Most events in one request.
    public static let maxEvents = 10_000
    /// Most bytes (of data and metadata) in one request.
    public static let maxBytes = 16 << 20

    public let events: [ProposedEvent]
    /// Who asks: set by the server from the authenticated caller, stored as `metadata.actor`.
    public let actor: String
    let metadata: [[UInt8]]
    /// Events copied verbatim from a primary (`EventStore.appendReplicated`); when not empty,
    /// `events` is empty and the request is written by `applyReplicated`.
    let replicated: [RecordedEvent]
    /// With `replicated`: the primary's signed tree head at the last of those events, which the
    /// replica's own Merkle root must match before they commit (see `EventStore.appendReplicated`).
    let replicatedHead: SignedTreeHead?
    /// The number of events the request writes (for the writer's group limit).
    var count: Int { events.count + replicated.count }
    /// Whether Lumbung itself writes this request (the key registry, the vault): only such a request
    /// may hold system types (`Names.systemTypePrefixes`). Made by `AppendRequest.system`, which no
    /// door (HTTP route, CLI command, import) calls.
    public private(set) var isSystem = false
    /// The ids of the offices, warehouses or markets the author may touch (an API key with a
    /// scope); nil: any. The append guard enforces it (`EventLogError.Code.forbidden`).
    public var scope: Set<String>? = nil

    /// A request of Lumbung's own, which may append system types (see `isSystem`).
    public static func system(events: [ProposedEvent], actor: String) throws(EventLogError) -> AppendRequest {
        var request = try AppendRequest(events: events, actor: actor)
        request.isSystem = true
        return request
    }

    public init(events: [ProposedEvent], actor: String) throws(EventLogError) {
        guard !events.isEmpty else { throw .invalid("events", "at least one event is required") }
        guard events.count <= Self.maxEvents else {
            throw EventLogError(
                .tooLarge, "events: \(events.count) events, more than the \(Self.maxEvents) allowed in one batch",
                field: "events")
        }
        let metadata = events.map { $0.metadataBytes(actor: actor) }
        let bytes = zip(events, metadata).reduce(0) { $0 + $1.0.data.count + $1.1.count }
        guard bytes <= Self.maxBytes else {
            throw EventLogError(
                .tooLarge, "events: \(bytes) bytes, more than the \(Self.maxBytes) allowed in one batch",
                field: "events")
        }
        self.events = events
        self.actor = actor
        self.metadata = metadata
        self.replicated = []
        self.replicatedHead = nil
    }

    /// A replica's verbatim copy of its primary's events (see `EventStore.appendReplicated`).
    init(replicating events: [RecordedEvent], signedHead: SignedTreeHead?) {
        self.events = []
        self.actor = ""
        self.metadata = []
        self.replicated = events
        self.replicatedHead = signedHead
    }

    /// Events for one stream, the first checked against `expectedVersion`.
    public init(stream: String, events: [(type: String, data: [UInt8])], expectedVersion: ExpectedVersion = .any, actor: String)
        throws(EventLogError)
    {
        var proposed: [ProposedEvent] = []
        for (i, e) in events.enumerated() {
            proposed.append(try ProposedEvent(stream: stream, type: e.type, data: e.data, expectedVersion: i == 0 ? expectedVersion : .any))
        }
        try self.init(events: proposed, actor: actor)
    }
}

/// What the log says of one written event.
public struct AppendResult: Sendable, Equatable {
    public let position: UInt64
    public let version: UInt64
    public let id: EventID
    public let hash: EventHash
    public let recordedAt: Timestamp
}

/// What the log says of a request: one result per event, and whether all of them were already
/// in the log (an idempotent retry: nothing new was written).
public struct AppendOutcome: Sendable, Equatable {
    public let results: [AppendResult]
    public let duplicate: Bool
    /// The position of the request's last event: ask views for at least this one to read your write.
    public var lastPosition: UInt64 { results.map(\.position).max() ?? 0 }
}
