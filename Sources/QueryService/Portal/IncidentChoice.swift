import AidLogistics
import Hummingbird

/// The incident a public aid page is narrowed to (`?insiden=`), checked against the declared
/// incidents: an unknown one is a 404 page naming it, none chosen shows every incident. The same
/// links on every aid page, each keeping the page it is on, so a resident who chose the fire in
/// Bintaro stays with it from the summary to a gudang.
struct IncidentChoice {
    /// The chosen incident's id (nil: every incident).
    let chosen: String?
    /// The chosen incident (nil when none is chosen).
    let incident: IncidentReport.Incident?
    /// Every declared incident, as the view lists them.
    let incidents: [IncidentReport.Incident]

    /// The `insiden` parameter of `request`, empty read as absent.
    static func requested(_ request: Request) -> String? {
        request.query("insiden").flatMap { $0.isEmpty ? nil : $0 }
    }

    init(_ chosen: String?, among incidents: [IncidentReport.Incident]) throws(PortalError) {
        let incident = chosen.flatMap { id in incidents.first { $0.incidentId == id } }
        if let chosen, incident == nil {
            throw PortalError.notFound("Tidak ada bencana \"\(chosen.prefix(60))\". Pilih dari daftar bencana.", tab: .aid)
        }
        (self.chosen, self.incident, self.incidents) = (chosen, incident, incidents)
    }

    /// `href` with the chosen incident kept.
    func keeping(_ href: String) -> String {
        guard let chosen else { return href }
        return href + (href.contains("?") ? "&" : "?") + "insiden=" + HTML.percentEncode(chosen)
    }

    /// "Semua bencana" and each incident, linking to `path` narrowed to it (the chosen one marked
    /// `aria-current="page"`); `label` names an incident (its name by default). Empty when no
    /// incident is declared.
    func nav(_ path: String, label: (IncidentReport.Incident) -> String = \.name) -> HTML {
        guard !incidents.isEmpty else { return .empty }
        func item(_ href: String, _ text: String, current: Bool) -> HTML {
            current ? "<li><a href=\"\(href)\" aria-current=\"page\">\(text)</a></li>" : "<li><a href=\"\(href)\">\(text)</a></li>"
        }
        let links =
            [item(path, "Semua bencana", current: chosen == nil)]
            + incidents.map { i in
                item(path + "?insiden=" + HTML.percentEncode(i.incidentId), label(i), current: i.incidentId == chosen)
            }
        return "<nav aria-label=\"Bencana\"><p class=\"muted\">Bencana:</p><ul class=\"subnav\">\(links)</ul></nav>"
    }
}
