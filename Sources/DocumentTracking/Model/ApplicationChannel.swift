public import JSON

/// How an application reached the office.
public enum ApplicationChannel: String, JSONEnumeration {
    /// Through the city's online service.
    case online
    /// In person at an office's counter (loket).
    case counter
}
