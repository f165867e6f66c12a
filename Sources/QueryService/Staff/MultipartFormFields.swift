import MultipartKit
import NIOCore

/// The fields of a `multipart/form-data` body (RFC 7578), as the staff screens read a form that
/// uploads a file (a posko's roster): each part's `name` and its content as UTF-8 text, a file's
/// too. Parsed with MultipartKit; a body that is not multipart, has no boundary, or holds a part
/// that is not UTF-8 is nil.
enum MultipartFormFields {
    /// The boundary of a `multipart/form-data` content type, nil for any other type.
    static func boundary(_ contentType: String?) -> String? {
        guard let contentType else { return nil }
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for p in parts.dropFirst() where p.lowercased().hasPrefix("boundary=") {
            let value = p.dropFirst("boundary=".count)
            let unquoted = value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 ? value.dropFirst().dropLast() : value
            return unquoted.isEmpty ? nil : String(unquoted)
        }
        return nil
    }

    /// The parts of `body`, by name (the last of a repeated name wins, as `FormFields.parse`).
    static func parse(_ body: ByteBuffer, boundary: String) -> [String: String]? {
        let parser = MultipartParser(boundary: boundary)
        var fields: [String: String] = [:]
        var name: String?
        var content = ByteBuffer()
        var broken = false
        parser.onHeader = { header, value in
            guard header.lowercased() == "content-disposition" else { return }
            name = Self.name(inDisposition: value)
        }
        parser.onBody = { chunk in content.writeBuffer(&chunk) }
        parser.onPartComplete = {
            if let name {
                if let text = String(validating: content.readableBytesView, as: UTF8.self) { fields[name] = text } else { broken = true }
            }
            (name, content) = (nil, ByteBuffer())
        }
        do { try parser.execute(body) } catch { return nil }
        return broken ? nil : fields
    }

    /// `name="..."` of a `Content-Disposition: form-data` header value.
    static func name(inDisposition value: String) -> String? {
        for p in value.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where p.hasPrefix("name=") {
            let v = p.dropFirst("name=".count)
            return String(v.hasPrefix("\"") && v.hasSuffix("\"") && v.count >= 2 ? v.dropFirst().dropLast() : v)
        }
        return nil
    }
}
