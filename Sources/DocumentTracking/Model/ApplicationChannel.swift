/// How an application reached the office.
public enum ApplicationChannel: String, Codable, Sendable, CaseIterable {
    /// Through the city's online service.
    case online
    /// In person at an office's counter (loket).
    case counter

    static let allowedList = allCases.map(\.rawValue).joined(separator: ", ")
}
