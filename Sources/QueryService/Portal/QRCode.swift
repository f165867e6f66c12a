import CQRencode

/// QR codes (ISO/IEC 18004) drawn as SVG, by libqrencode: what a printed surat jalan carries so
/// that a phone's camera leads to the public proof of the event it records.
enum QRCode {
    /// `text` as an inline SVG QR code (error correction M, a quiet zone of 4 modules),
    /// `size` CSS pixels wide; nil when libqrencode cannot encode it (too long).
    static func svg(_ text: String, size: Int = 180, label: String) -> HTML? {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        let data = code.pointee.data!
        let quiet = 4
        var path = ""
        path.reserveCapacity(width * width * 4)
        for y in 0..<width {
            var x = 0
            while x < width {
                // Bit 0 of each byte is a dark module; runs of them are one rectangle.
                guard data[y * width + x] & 1 == 1 else {
                    x += 1
                    continue
                }
                var run = 1
                while x + run < width, data[y * width + x + run] & 1 == 1 { run += 1 }
                path += "M\(x + quiet) \(y + quiet)h\(run)v1h-\(run)z"
                x += run
            }
        }
        let total = width + 2 * quiet
        return """
            <svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(total) \(total)" width="\(size)" height="\(size)" shape-rendering="crispEdges" role="img" aria-label="\(label)"><rect width="\(total)" height="\(total)" fill="#fff"/><path fill="#000" d="\(path)"/></svg>
            """
    }
}
