import EventLog

/// A refusal of the rules as the staff screens show it: in Bahasa Indonesia, naming the form's
/// field by its label and the field's path (`items[0].expiresOn`), nothing written. The API keeps
/// the English message (`application/problem+json`); the screens translate the refusals the aid
/// rules give (`translations`), and say in Indonesian what kind of refusal an untranslated one is,
/// keeping its English text as the detail.
enum StaffRefusal {
    /// "Tidak dicatat: <reason>."
    static func message(_ error: EventLogError) -> String {
        let field = error.field.map { $0.hasPrefix("data.") ? String($0.dropFirst(5)) : $0 }
        let detail = reason(of: error.message, field: field)
        let label = field.map { "\(Self.label(of: $0)) (\($0))" }
        if let translated = translate(detail) {
            return "Tidak dicatat: \(label.map { "\($0): " } ?? "")\(translated)."
        }
        let kind: String
        switch error.code {
        case .invalidInput: kind = "isian tidak dapat dibaca"
        case .ruleViolation: kind = "ditolak oleh aturan"
        case .conflict: kind = "bertentangan dengan yang sudah tercatat"
        case .forbidden: kind = "di luar wewenang kunci ini"
        default: kind = "tidak dapat diterima"
        }
        return "Tidak dicatat: \(label.map { "\($0) " } ?? "")\(kind). Rincian: \(detail)"
    }

    /// The message without its leading `<field>: ` (the rules name the field first).
    static func reason(of message: String, field: String?) -> String {
        for prefix in [field.map { "data.\($0): " }, field.map { "\($0): " }].compactMap({ $0 }) where message.hasPrefix(prefix) {
            return String(message.dropFirst(prefix.count))
        }
        return message
    }

    /// The Indonesian label of a field path (its last name: `lines[0].lots[1].donationId` is a lot).
    static func label(of path: String) -> String {
        let last = path.split(separator: ".").last.map { String($0.prefix { $0 != "[" }) } ?? path
        return labels[last] ?? last
    }

    static let labels: [String: String] = [
        "item": "Barang", "items": "Barang", "lines": "Barang", "unit": "Satuan", "quantity": "Jumlah", "expiresOn": "Kedaluwarsa",
        "donationId": "Lot", "lots": "Lot", "driver": "Sopir", "vehicle": "Kendaraan", "kelurahanCode": "Kelurahan",
        "incidentId": "Bencana", "requestId": "Nomor permintaan", "reason": "Alasan", "households": "Jumlah KK",
        "people": "Jumlah jiwa", "warehouseId": "Gudang/posko", "toWarehouseId": "Tujuan", "fromWarehouseId": "Asal",
        "shipmentId": "Nomor kiriman", "householdIds": "Keluarga", "kk": "Nomor KK", "headName": "Nama kepala keluarga",
        "members": "Jumlah anggota", "round": "Putaran", "minimum": "Stok minimum", "adjustmentId": "Nomor penyesuaian",
        "approvedBy": "Penyetuju", "rejectedBy": "Penolak", "needsApproval": "Persetujuan", "donor": "Donatur", "name": "Nama",
        "neededBy": "Tanggal dibutuhkan",
        "priority": "Prioritas", "category": "Kategori", "baseUnit": "Satuan dasar", "packs": "Kemasan",
    ]

    /// An English reason of the rules and its Indonesian sentence, the regex's captures filled in.
    typealias Translation = (pattern: String, indonesian: @Sendable ([Substring]) -> String)

    static func rule(_ pattern: String, _ indonesian: @escaping @Sendable ([Substring]) -> String) -> Translation {
        (pattern, indonesian)
    }

    static let translations: [Translation] = [
        rule(#"^(\d+) (\S+) of (.+) exceeds the (\d+) on hand at ([^\s:;,]+)"#) { c in
            "\(c[1]) \(c[2]) \(c[3]) melebihi stok yang ada di \(c[5]), yaitu \(c[4])"
        },
        rule(#"^(\d+) (\S+) of (.+) from lot (\S+) exceeds the (\d+) on hand at ([^\s:;,]+)"#) { c in
            "\(c[1]) \(c[2]) \(c[3]) dari lot \(c[4]) melebihi stok lot itu di \(c[6]), yaitu \(c[5])"
        },
        rule(#"^taking (\d+) (\S+) of (.+) of lot (\S+) out of (\S+) would leave (-?\d+): only (\d+) on hand"#) { c in
            "mengurangi \(c[1]) \(c[2]) \(c[3]) dari lot \(c[4]) membuat stoknya \(c[6]); yang ada hanya \(c[7])"
        },
        rule(#"^is required: (.+) expires \(item catalog\)"#) { c in
            "wajib diisi: \(c[1]) punya tanggal kedaluwarsa menurut katalog barang"
        },
        rule(#"^(.+) does not expire \(item catalog\)"#) { c in "\(c[1]) tidak kedaluwarsa menurut katalog; kosongkan tanggalnya" },
        rule(#"^(.+) expired on (\S+), before the donation was received \((\S+)\)"#) { c in
            "\(c[1]) sudah kedaluwarsa pada \(c[2]), sebelum donasi diterima (\(c[3]))"
        },
        rule(#"^(.+) is not in the item catalog"#) { c in "\(c[1]) tidak ada dalam katalog barang; pilih barang dari katalog" },
        rule(#"^(.+) is counted in (.+), not (\S+)$"#) { c in "satuan \(c[1]) adalah \(c[2]), bukan \(c[3])" },
        rule(
            #"^lot (\S+) of (.+) (expires on \S+|does not expire), but lot (\S+) expires earlier \((\S+)\) and still holds (\d+) (\S+) at ([^\s:;,]+)"#
        ) {
            c in
            "lot \(c[4]) kedaluwarsa lebih dulu (\(c[5])) dan masih ada \(c[6]) \(c[7]) di \(c[8]): keluarkan lot itu lebih dulu, atau isi alasannya"
        },
        rule(#"^(.+) of lot (\S+) expired on (\S+); it may not be handed out"#) { c in
            "\(c[1]) dari lot \(c[2]) sudah kedaluwarsa pada \(c[3]) dan tidak boleh disalurkan: hapus bukukan"
        },
        rule(#"^a write-off takes stock out"#) { _ in "penghapusan selalu mengurangi stok" },
        rule(#"^warehouse (\S+) is not registered"#) { c in "gudang/posko \(c[1]) belum terdaftar" },
        rule(#"^incident (\S+) is not declared"#) { c in "bencana \(c[1]) belum dinyatakan" },
        rule(#"^is required"#) { _ in "wajib diisi" },
        rule(#"^(\S+) wrote adjustment (\S+); a second officer \(another key\) must decide"#) { c in
            "penyesuaian \(c[2]) dicatat oleh kunci ini sendiri; petugas lain yang harus memutuskan"
        },
        rule(#"^this KK number is already registered as household (\S+)"#) { c in "nomor KK ini sudah terdaftar sebagai keluarga \(c[1])" },
        rule(#"^household ([^\s;,]+) was already served in round ([^\s;,]+) by distribution ([^\s;,]+)"#) { c in
            "keluarga \(c[1]) sudah menerima bantuan pada putaran \(c[2]) (penyaluran \(c[3]))"
        },
        rule(#"^request (\S+) is of (\S+); a shipment to (\S+) cannot fulfil another post's request"#) { c in
            "permintaan \(c[1]) milik \(c[2]); kiriman ke \(c[3]) tidak dapat memenuhinya"
        },
        rule(#"^request (\S+) does not ask for (.+)"#) { c in "permintaan \(c[1]) tidak meminta \(c[2])" },
        rule(#"^(\d+) (\S+) of (.+) is more than the (\d+) request (\S+) still lacks after earlier commitments"#) { c in
            "\(c[1]) \(c[2]) \(c[3]) melebihi kekurangan permintaan \(c[5]) setelah janji sebelumnya, yaitu \(c[4])"
        },
        rule(#"^(\S+) made request (\S+); another warehouse commits to it"#) { c in
            "\(c[1]) sendiri yang meminta \(c[2]); gudang lain yang menjanjikan"
        },
        rule(#"^request (\S+) is cancelled"#) { c in "permintaan \(c[1]) sudah dibatalkan" },
        rule(#"^request (\S+) is already fulfilled"#) { c in "permintaan \(c[1]) sudah terpenuhi" },
        rule(#"^request (\S+) is for incident (\S+), not (\S+)"#) { c in "permintaan \(c[1]) untuk bencana \(c[2]), bukan \(c[3])" },
        rule(#"^no request (\S+) was made"#) { c in "tidak ada permintaan \(c[1])" },
        rule(#"^(\S+) is before the request was made \((\S+)\)"#) { c in
            "\(c[1]) lebih awal daripada waktu permintaan dibuat (\(c[2]))"
        },
        rule(#"^shipment (\S+) was never dispatched"#) { c in "kiriman \(c[1]) tidak pernah diberangkatkan" },
        rule(#"^shipment (\S+) is already received"#) { c in "kiriman \(c[1]) sudah diterima; kiriman diterima sekali" },
        rule(#"^shipment (\S+) is already dispatched"#) { c in "kiriman \(c[1]) sudah diberangkatkan" },
        rule(#"^a shipment must go to another warehouse than (\S+)"#) { c in "tujuan kiriman harus gudang/posko selain \(c[1])" },
        rule(#"^the lots add up to (\d+) (\S+) of (.+), not the line's quantity (\d+)"#) { c in
            "jumlah lot \(c[1]) \(c[2]) \(c[3]) tidak sama dengan jumlah baris, \(c[4])"
        },
        rule(#"^donation (\S+) is already received"#) { c in "donasi (lot) \(c[1]) sudah diterima; donasi dicatat sekali" },
        rule(#"^no donation \(lot\) (\S+) was received"#) { c in "tidak ada donasi (lot) \(c[1])" },
        rule(#"^household (\S+) is not registered"#) { c in "keluarga \(c[1]) belum terdaftar; daftarkan dulu" },
        rule(#"^household (\S+) lives in desa (\S+), not in (\S+) of distribution (\S+)"#) { c in
            "keluarga \(c[1]) tinggal di desa \(c[2]), bukan \(c[3]) tempat penyaluran \(c[4])"
        },
        rule(#"^(\d+) is more than the household's (\d+) members"#) { c in "\(c[1]) melebihi jumlah anggota keluarga, \(c[2])" },
        rule(#"^adjustment (\S+) is already (approved|rejected)"#) { c in
            "penyesuaian \(c[1]) sudah \(c[2] == "approved" ? "disetujui" : "ditolak"); penyesuaian diputuskan sekali"
        },
        rule(#"^no adjustment (\S+) awaits approval"#) { c in "tidak ada penyesuaian \(c[1]) yang menunggu persetujuan" },
        rule(
            #"^approving adjustment (\S+) would take (\d+) (\S+) of (.+) of lot (\S+) out of (\S+), leaving (-?\d+): only (\d+) on hand now"#
        ) {
            c in
            "menyetujui penyesuaian \(c[1]) mengurangi \(c[2]) \(c[3]) \(c[4]) dari lot \(c[5]) di \(c[6]) menjadi \(c[7]); yang ada sekarang hanya \(c[8])"
        },
        // Area codes (the national Kepmendagri table and the deployment's area).
        rule(#"^(.+) is outside the area this service covers, (.+)$"#) { c in "\(c[1]) berada di luar wilayah layanan ini, \(c[2])" },
        rule(#"^(\S+) is not the Kepmendagri code of a desa/kelurahan \(e\.g\. (\S+)\)"#) { c in
            "\(c[1]) bukan kode Kepmendagri sebuah desa/kelurahan (mis. \(c[2]))"
        },
        rule(#"^"(.+)" is not a Kepmendagri area code"#) { c in "\"\(c[1])\" bukan kode wilayah Kepmendagri" },
        rule(#"^(.+) is a (\S+); a (\S+) is needed here"#) { c in
            "\(c[1]) adalah \(level(c[2])); yang diperlukan di sini \(level(c[3]))"
        },
        rule(#"^(.+) lies outside the areas incident (\S+) affects"#) { c in "\(c[1]) berada di luar wilayah terdampak bencana \(c[2])" },
        rule(#"^must be a positive integer"#) { _ in "harus bilangan bulat positif" },
        rule(#"^must be one of (.+)"#) { c in "harus salah satu dari \(c[1])" },
        rule(#"^must be a date written YYYY-MM-DD"#) { _ in "harus tanggal (TTTT-BB-HH)" },
        rule(#"^must name the (\S+) by key or role"#) { _ in "isi kode atau peran (mis. sopir-03), bukan nama orang" },
    ]

    /// A `Region.Level`'s raw value as it is written (`kabupaten-kota` -> `kabupaten/kota`).
    static func level(_ raw: Substring) -> String { String(raw.replacing("-", with: "/")) }

    /// The Indonesian sentence of an English reason, if one of `translations` reads it.
    static func translate(_ reason: String) -> String? {
        for t in translations {
            // Compiled per refusal (a refusal is rare; a `Regex` is not Sendable to keep).
            guard let regex = try? Regex(t.pattern), let match = try? regex.firstMatch(in: reason) else { continue }
            let captures = (0..<match.output.count).map { match.output[$0].substring ?? "" }
            return t.indonesian(captures)
        }
        return nil
    }
}
