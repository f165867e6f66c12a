import MataramReference
import Regions

/// The names of a desa/kelurahan and its kecamatan, for views and pages: Kota Mataram's from its
/// own table, any other from the national Kepmendagri table (read on first use). Empty when the
/// code names none (a log written without the rules).
public enum PlaceNames {
    public static func names(_ code: String) -> (desa: String, kecamatan: String) {
        if let k = Mataram.kelurahan(code: code) { return (k.name, k.kecamatan.name) }
        guard let desa = Regions.region(code) else { return ("", "") }
        return (desa.name, desa.parentCode.flatMap(Regions.region)?.name ?? "")
    }

    /// The name of an area of any level (`Kota Mataram`, `Ampenan`, `Bintaro`); the code itself
    /// when the table names none.
    public static func name(of code: String) -> String {
        if code == "52.71" { return "Kota Mataram" }
        if let k = Mataram.kelurahan(code: code) { return k.name }
        return Regions.region(code)?.name ?? code
    }
}
