import EventLog
import Testing

@testable import QueryService

/// The aid rules' refusals as the staff screens show them: in Bahasa Indonesia, naming the field.
@Suite("Staff screens: refusals in Bahasa Indonesia")
struct StaffRefusalTests {
    @Test("every translation's pattern compiles")
    func patternsCompile() throws {
        for t in StaffRefusal.translations { _ = try Regex(t.pattern) }
    }

    @Test(
        "the rules' refusals read in Indonesian, with the field's label and path",
        arguments: [
            (
                "data.lines[0].quantity", "data.lines[0].quantity: 71 kg of beras exceeds the 70 on hand at gudang-a (all lots)",
                "Tidak dicatat: Jumlah (lines[0].quantity): 71 kg beras melebihi stok yang ada di gudang-a, yaitu 70."
            ),
            (
                "data.items[0].expiresOn",
                "data.items[0].expiresOn: is required: beras expires (item catalog), so each lot records its expiry date",
                "Tidak dicatat: Kedaluwarsa (items[0].expiresOn): wajib diisi: beras punya tanggal kedaluwarsa menurut katalog barang."
            ),
            (
                "data.lines[0].lots[0].donationId",
                "data.lines[0].lots[0].donationId: lot DN-OLD of beras (kg) expires on 2018-09-30, but lot DN-NEW expires earlier (2018-08-20) and still holds 60 kg at gudang-a: take it first (first-expiry-first-out), or give lines[0].reason",
                "Tidak dicatat: Lot (lines[0].lots[0].donationId): lot DN-NEW kedaluwarsa lebih dulu (2018-08-20) dan masih ada 60 kg di gudang-a: keluarkan lot itu lebih dulu, atau isi alasannya."
            ),
            (
                "data.items[0].item", "data.items[0].item: sagu is not in the item catalog: use a cataloged item",
                "Tidak dicatat: Barang (items[0].item): sagu tidak ada dalam katalog barang; pilih barang dari katalog."
            ),
            (
                "data.lines[0].quantity",
                "data.lines[0].quantity: 31 kg of beras is more than the 30 request RQ-1 still lacks after earlier commitments",
                "Tidak dicatat: Jumlah (lines[0].quantity): 31 kg beras melebihi kekurangan permintaan RQ-1 setelah janji sebelumnya, yaitu 30."
            ),
            (
                "data.kelurahanCode",
                "data.kelurahanCode: Tanjung (52.08.01.2001) is outside the area this service covers, Kota Mataram (52.71)",
                "Tidak dicatat: Kelurahan (kelurahanCode): Tanjung (52.08.01.2001) berada di luar wilayah layanan ini, Kota Mataram (52.71)."
            ),
            (
                "data.kelurahanCode",
                "data.kelurahanCode: 52.71.99.9999 is not the Kepmendagri code of a desa/kelurahan (e.g. 52.71.01.1004)",
                "Tidak dicatat: Kelurahan (kelurahanCode): 52.71.99.9999 bukan kode Kepmendagri sebuah desa/kelurahan (mis. 52.71.01.1004)."
            ),
            (
                "data.kelurahanCode",
                "data.kelurahanCode: Ampenan (52.71.01) is a kecamatan; a desa-kelurahan is needed here",
                "Tidak dicatat: Kelurahan (kelurahanCode): Ampenan (52.71.01) adalah kecamatan; yang diperlukan di sini desa/kelurahan."
            ),
            (
                "data.householdIds[0]",
                "data.householdIds[0]: household HH-9 lives in desa 52.71.05.1005, not in 52.71.03.1004 of distribution DS-1",
                "Tidak dicatat: Keluarga (householdIds[0]): keluarga HH-9 tinggal di desa 52.71.05.1005, bukan 52.71.03.1004 tempat penyaluran DS-1."
            ),
            (
                "data.householdIds[0]",
                "data.householdIds[0]: household HH-1 was already served in round putaran-1 by distribution DS-9; one handout per household per round",
                "Tidak dicatat: Keluarga (householdIds[0]): keluarga HH-1 sudah menerima bantuan pada putaran putaran-1 (penyaluran DS-9)."
            ),
        ])
    func translated(field: String, message: String, expected: String) {
        #expect(StaffRefusal.message(EventLogError(.ruleViolation, message, field: field)) == expected)
    }

    @Test("an untranslated refusal says its kind in Indonesian and keeps the English detail")
    func fallback() {
        let m = StaffRefusal.message(EventLogError(.ruleViolation, "data.round: something new", field: "data.round"))
        #expect(m == "Tidak dicatat: Putaran (round) ditolak oleh aturan. Rincian: something new")
    }
}
