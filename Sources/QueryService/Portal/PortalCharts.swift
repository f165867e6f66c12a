import DomainKit
import MarketPrices

/// Inline SVG charts of the portal: no script, no external file, readable on a phone (the
/// drawing scales to the width; text stays at least about 11 px on a 360 px screen). Each chart
/// has a `<title>` and `<desc>` for screen readers, and the pages put the same figures in a
/// table next to it.
enum PortalCharts {
    // MARK: Trend

    /// The 30-day trend of one price series: the daily city median as a line, the daily
    /// minimum-maximum across markets as a band, dates along the bottom and rupiah on the left.
    /// `id` must be unique in the page (it names the title and description).
    static func trend(_ series: TrendSeries, title: String, id: String) -> HTML {
        let width = 360.0
        let height = 250.0
        let left = 72.0
        let right = 22.0
        let top = 12.0
        let bottom = 34.0
        let plotW = width - left - right
        let plotH = height - top - bottom
        let points = series.points.sorted { $0.date < $1.date }
        let span = max(1, series.to.days - series.from.days)
        func x(_ d: CivilDate) -> Double { left + Double(d.days - series.from.days) / Double(span) * plotW }

        let lo = points.map(\.min.doubleValue).min() ?? 0
        let hi = points.map(\.max.doubleValue).max() ?? 1
        let axis = niceAxis(lo: lo, hi: hi, ticks: 4)
        func y(_ v: Double) -> Double { top + (axis.max - v) / (axis.max - axis.min) * plotH }

        var body: HTML = ""
        // Horizontal grid lines with rupiah labels.
        var v = axis.min
        while v <= axis.max + axis.step / 2 {
            let yy = y(v)
            body += """
                <line x1="\(svg: left)" x2="\(svg: width - right)" y1="\(svg: yy)" y2="\(svg: yy)" stroke="#d5dbd7" stroke-width="1"/>\
                <text x="\(svg: left - 6)" y="\(svg: yy + 4)" text-anchor="end">\(IndonesianFormat.money(price(v), currency: series.currency))</text>
                """
            v += axis.step
        }
        // Date labels: about 5 along the axis, counted back from the last day (the latest prices).
        let every = max(1, Int((Double(span) / 5).rounded(.up)))
        var d = series.to
        while d >= series.from {
            let xx = x(d)
            body += """
                <line x1="\(svg: xx)" x2="\(svg: xx)" y1="\(svg: top + plotH)" y2="\(svg: top + plotH + 5)" stroke="#4a524e"/>\
                <text x="\(svg: xx)" y="\(svg: height - bottom + 20)" text-anchor="middle">\(IndonesianFormat.shortDate(d))</text>
                """
            d = d.adding(days: -every)
        }
        body += """
            <line x1="\(svg: left)" x2="\(svg: width - right)" y1="\(svg: top + plotH)" y2="\(svg: top + plotH)" stroke="#4a524e"/>
            """
        if !points.isEmpty {
            let upper = points.map { "\(HTML.svgNumber(x($0.date))),\(HTML.svgNumber(y($0.max.doubleValue)))" }
            let lower = points.reversed().map { "\(HTML.svgNumber(x($0.date))),\(HTML.svgNumber(y($0.min.doubleValue)))" }
            let median = points.map { "\(HTML.svgNumber(x($0.date))),\(HTML.svgNumber(y($0.median.doubleValue)))" }
            body += """
                <polygon points="\((upper + lower).joined(separator: " "))" fill="#cfe5d6"/>
                <polyline points="\(median.joined(separator: " "))" fill="none" stroke="#1d5f3a" stroke-width="2.5" stroke-linejoin="round"/>
                """
            for p in points {
                let tip =
                    "\(IndonesianFormat.date(p.date)): median \(IndonesianFormat.money(p.median, currency: series.currency)) "
                    + "(terendah \(IndonesianFormat.money(p.min, currency: series.currency)), "
                    + "tertinggi \(IndonesianFormat.money(p.max, currency: series.currency)), \(p.count) laporan)"
                body += """
                    <circle cx="\(svg: x(p.date))" cy="\(svg: y(p.median.doubleValue))" r="3" fill="#1d5f3a"><title>\(tip)</title></circle>
                    """
            }
        }
        let desc = trendDescription(series, points: points)
        return """
            <figure class="chart">
            <svg viewBox="0 0 \(svg: width) \(svg: height)" role="img" aria-labelledby="\(id)-t \(id)-d" font-size="12.5" fill="#1b1f1d" font-family="system-ui,sans-serif">
            <title id="\(id)-t">\(title)</title>
            <desc id="\(id)-d">\(desc)</desc>
            \(body)
            </svg>
            <figcaption class="legend"><span class="l-median">Median harga kota per hari</span><span class="l-band">Rentang terendah–tertinggi antarpasar</span></figcaption>
            </figure>
            """
    }

    /// One sentence for screen readers: where the median started and ended.
    static func trendDescription(_ series: TrendSeries, points: [TrendSeries.Point]) -> String {
        guard let first = points.first, let last = points.last else {
            return "Belum ada data harga dari \(IndonesianFormat.date(series.from)) sampai \(IndonesianFormat.date(series.to))."
        }
        let change = first.median.scaled == 0 ? 0 : Double(last.median.scaled - first.median.scaled) / Double(first.median.scaled) * 100
        let verb =
            change > 0.05
            ? "naik \(IndonesianFormat.percent(change))" : change < -0.05 ? "turun \(IndonesianFormat.percent(-change))" : "tetap"
        return "Median harga \(verb): dari \(IndonesianFormat.money(first.median, currency: series.currency)) pada "
            + "\(IndonesianFormat.date(first.date)) menjadi \(IndonesianFormat.money(last.median, currency: series.currency)) pada "
            + "\(IndonesianFormat.date(last.date))."
    }

    static func price(_ value: Double) -> Price { Price(scaled: Int64((value * 10_000).rounded())) }

    /// An axis from below `lo` to above `hi` in steps of 1, 2, 2.5 or 5 times a power of ten,
    /// about `ticks` steps; never empty (a flat series gets a range around its value).
    static func niceAxis(lo: Double, hi: Double, ticks: Int) -> (min: Double, max: Double, step: Double) {
        var lo = lo
        var hi = hi
        if !(lo.isFinite && hi.isFinite) || hi < lo { (lo, hi) = (0, 1) }
        if hi == lo {
            let pad = max(1, abs(hi) * 0.05)
            (lo, hi) = (max(0, lo - pad), hi + pad)
        }
        let raw = (hi - lo) / Double(max(1, ticks))
        var power = 1.0
        while power * 10 <= raw { power *= 10 }
        while power > raw { power /= 10 }
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * power }.first { $0 >= raw } ?? power * 10
        let minV = (lo / step).rounded(.down) * step
        var maxV = (hi / step).rounded(.up) * step
        if maxV <= minV { maxV = minV + step }
        return (minV, maxV, step)
    }

    // MARK: Bars

    /// One bar of a grouped bar chart.
    struct Bar {
        var label: String
        var value: Int
        /// The bar's value as shown, e.g. `1.250 KK`.
        var text: String
        /// Where a tap on the bar leads.
        var href: String?
    }

    /// Horizontal bars in groups (kelurahan by kecamatan): a heading per group, then a row per
    /// bar with its label, the bar (scaled to the largest value) and its value.
    static func groupedBars(_ groups: [(title: String, bars: [Bar])], title: String, description: String, id: String) -> HTML {
        let width = 360.0
        let labelW = 182.0
        let rowH = 26.0
        let headH = 32.0
        let fontSize = 13.0
        let barMax = width - labelW - 4
        let largest = max(1, groups.flatMap(\.bars).map(\.value).max() ?? 1)
        var y = 4.0
        var body: HTML = ""
        for group in groups {
            body += """
                <text x="0" y="\(svg: y + 22)" font-weight="700" font-size="14">\(group.title)</text>
                """
            y += headH
            for bar in group.bars {
                let length = bar.value <= 0 ? 0 : max(2, Double(bar.value) / Double(largest) * barMax)
                // The value after the bar when it fits there, else inside the bar's end, in white.
                let textW = Double(bar.text.count) * fontSize * 0.56
                let valueText: HTML =
                    labelW + length + 5 + textW <= width
                    ? "<text x=\"\(svg: labelW + length + 5)\" y=\"\(svg: y + 18)\">\(bar.text)</text>"
                    : "<text x=\"\(svg: labelW + length - 5)\" y=\"\(svg: y + 18)\" text-anchor=\"end\" fill=\"#fff\" font-weight=\"700\">\(bar.text)</text>"
                let row: HTML = """
                    <rect x="0" y="\(svg: y)" width="\(svg: width)" height="\(svg: rowH)" fill="transparent"/>\
                    <text x="\(svg: labelW - 6)" y="\(svg: y + 18)" text-anchor="end">\(bar.label)</text>\
                    <rect x="\(svg: labelW)" y="\(svg: y + 4)" width="\(svg: length)" height="\(svg: rowH - 8)" rx="2" fill="#1d5f3a"/>\(valueText)
                    """
                if let href = bar.href {
                    body += """
                        <a href="\(href)"><title>\(bar.label): \(bar.text)</title>\(row)</a>
                        """
                } else {
                    body += row
                }
                y += rowH
            }
        }
        let height = y + 6
        return """
            <figure class="chart">
            <svg viewBox="0 0 \(svg: width) \(svg: height)" role="group" aria-labelledby="\(id)-t \(id)-d" font-size="13" fill="#1b1f1d" font-family="system-ui,sans-serif">
            <title id="\(id)-t">\(title)</title>
            <desc id="\(id)-d">\(description)</desc>
            \(body)
            </svg>
            </figure>
            """
    }
}
