import HTTPTypes
import Hummingbird

/// The shell of every portal page: `<head>` with the inline style sheet, the header with the
/// three tabs, `<main>`, the footer. Pages are complete without JavaScript (there is none) and
/// load nothing from elsewhere.
enum PortalLayout {
    /// The portal's sections (the header's tabs).
    enum Tab: CaseIterable {
        case home, receipt, prices, aid

        var path: String {
            switch self {
            case .home: "/"
            case .receipt: "/cek-resi"
            case .prices: "/harga-pasar"
            case .aid: "/bantuan-bencana"
            }
        }

        var title: String {
            switch self {
            case .home: "Beranda"
            case .receipt: "Cek Resi"
            case .prices: "Harga Pasar"
            case .aid: "Bantuan Bencana"
            }
        }
    }

    /// A whole page: `title` (the page's own name; the site's is appended), the tab to mark as
    /// current, and the content of `<main>`.
    static func page(title: String, tab: Tab?, description: String? = nil, _ content: HTML) -> HTML {
        let nav = HTML(
            joining: Tab.allCases.filter { $0 != .home }.map { t in
                t == tab
                    ? "<li><a href=\"\(t.path)\" aria-current=\"page\">\(t.title)</a></li>"
                    : "<li><a href=\"\(t.path)\">\(t.title)</a></li>"
            })
        let meta: HTML = description.map { "<meta name=\"description\" content=\"\($0)\">" } ?? .empty
        return """
            <!DOCTYPE html>
            <html lang="id">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light">
            <title>\(title) · Lumbung Kota Mataram</title>
            \(meta)
            <link rel="icon" href="data:,">
            <style>\(style)</style>
            </head>
            <body>
            <a class="skip" href="#konten">Langsung ke isi halaman</a>
            <header class="site">
            <div class="wrap">
            <a class="brand" href="/"><svg aria-hidden="true" width="28" height="28" viewBox="0 0 32 32"><path d="M4 14 16 4l12 10v2H4z" fill="#f3c969"/><rect x="7" y="16" width="18" height="12" rx="1" fill="#fff"/><rect x="13" y="20" width="6" height="8" fill="#1d5f3a"/></svg><span>Lumbung <small>Kota Mataram</small></span></a>
            <nav aria-label="Layanan"><ul>\(nav)</ul></nav>
            </div>
            </header>
            <main id="konten" class="wrap">
            \(content)
            </main>
            <footer class="site"><div class="wrap">
            <p>Lumbung: layanan data terbuka Pemerintah Kota Mataram, Nusa Tenggara Barat. Semua waktu dalam WITA.</p>
            <p>Untuk pengembang: <a href="/openapi.yaml">dokumentasi API</a>.</p>
            </div></footer>
            </body>
            </html>

            """
    }

    /// The inline style sheet: system fonts, large tap targets, contrast at least 4.5:1 (text
    /// `#1b1f1d` on white, links `#0b5394`, header white on `#1d5f3a`).
    static let style = HTML(
        trusted: """
            :root{--ink:#1b1f1d;--muted:#4a524e;--line:#d5dbd7;--bg:#f5f7f6;--brand:#1d5f3a;--brand-dark:#123f26;--link:#0b5394;--warn:#8a1c1c;--warn-bg:#fdecec;--ok:#1d5f3a;--ok-bg:#e6f2ea;--accent:#f3c969}
            *{box-sizing:border-box}
            html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
            body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Liberation Sans",Arial,sans-serif;font-size:17px;line-height:1.5;color:var(--ink);background:var(--bg)}
            .wrap{max-width:60rem;margin:0 auto;padding:0 1rem}
            a{color:var(--link)}
            a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
            .skip{position:absolute;left:-999px;top:0;background:#fff;padding:.75rem 1rem;z-index:10}
            .skip:focus{left:0}
            header.site{background:var(--brand);color:#fff}
            header.site .wrap{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem 1rem;padding-top:.5rem;padding-bottom:.25rem}
            .brand{display:flex;align-items:center;gap:.5rem;color:#fff;text-decoration:none;font-weight:700;font-size:1.2rem;min-height:44px}
            .brand small{font-weight:400;opacity:.9;font-size:.95rem}
            nav ul{display:flex;flex-wrap:wrap;gap:.25rem;margin:0;padding:0;list-style:none}
            nav a{display:block;min-height:44px;padding:.6rem .8rem;color:#fff;text-decoration:none;border-radius:.4rem .4rem 0 0;font-weight:600}
            nav a:hover{background:var(--brand-dark)}
            nav a[aria-current=page]{background:var(--bg);color:var(--brand-dark)}
            main{padding-top:1rem;padding-bottom:2rem}
            h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 .75rem}
            h2{font-size:1.3rem;line-height:1.3;margin:1.75rem 0 .5rem}
            h3{font-size:1.1rem;margin:1.25rem 0 .4rem}
            p{margin:.5rem 0}
            .lead{font-size:1.05rem;color:var(--muted)}
            .muted{color:var(--muted)}
            .card{background:#fff;border:1px solid var(--line);border-radius:.6rem;padding:1rem;margin:1rem 0;overflow-x:auto}
            .cards{display:grid;list-style:none;padding:0;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));gap:1rem}
            .cards .card{margin:0}
            .cards a.card{display:block;text-decoration:none;color:var(--ink)}
            .cards a.card:hover{border-color:var(--brand)}
            .cards h2{margin-top:0;color:var(--link)}
            .figure{font-size:1.5rem;font-weight:700}
            .stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.75rem;margin:1rem 0;padding:0;list-style:none}
            .stats li{background:#fff;border:1px solid var(--line);border-radius:.6rem;padding:.75rem}
            .stats b{display:block;font-size:1.35rem}
            .stats.three{grid-template-columns:repeat(3,1fr);gap:.5rem}
            .stats.three li{padding:.5rem .4rem;font-size:.9rem;min-width:0}
            .stats.three b{font-size:1rem}
            .table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.5rem 0 1rem;border:1px solid var(--line);border-radius:.6rem;background:#fff}
            table{border-collapse:collapse;width:100%;font-size:.97rem}
            caption{text-align:left;padding:.6rem .75rem;font-weight:600}
            th,td{padding:.55rem .75rem;border-top:1px solid var(--line);text-align:left;vertical-align:top}
            thead th{border-top:0;background:#eef2ef;font-size:.9rem}
            td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
            tbody th[scope=rowgroup]{background:#f0f5f1;font-size:1rem}
            tbody th[scope=rowgroup] a{font-weight:700}
            .tag{display:inline-block;font-size:.8rem;padding:.05rem .45rem;border-radius:1rem;background:#eef2ef;color:var(--muted);white-space:nowrap}
            .tag.up{background:var(--warn-bg);color:var(--warn);font-weight:700}
            form.stack{display:grid;gap:1rem;max-width:26rem}
            form.inline{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-end}
            label{display:block;font-weight:600;margin-bottom:.25rem}
            .hint{display:block;font-weight:400;color:var(--muted);font-size:.92rem}
            input,select,textarea{font:inherit;font-size:1.1rem;width:100%;min-height:48px;padding:.5rem .75rem;border:2px solid #7a837e;border-radius:.45rem;background:#fff;color:var(--ink)}
            input.code{letter-spacing:.08em;text-transform:uppercase}
            form.inline>div{flex:1 1 12rem}
            form.inline>div:last-child{flex:0 0 auto}
            .staffbar{display:flex;justify-content:space-between;align-items:center;gap:.5rem;flex-wrap:wrap;background:#eef5f0;border-radius:.5rem;padding:.4rem .75rem;margin:.75rem 0 1rem}
            .staffbar form{margin:0}.staffbar button{min-height:40px;padding:.3rem 1rem;background:#5b635f}
            button.secondary{background:#5b635f}
            button,.button{font:inherit;font-weight:700;font-size:1.05rem;min-height:48px;padding:.6rem 1.4rem;border:0;border-radius:.45rem;background:var(--brand);color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
            button:hover,.button:hover{background:var(--brand-dark)}
            .notice{border-left:6px solid var(--warn);background:var(--warn-bg);padding:.75rem 1rem;border-radius:.4rem;margin:1rem 0}
            .notice.ok{border-color:var(--ok);background:var(--ok-bg)}
            .notice h2{margin-top:0;font-size:1.15rem}
            .status{font-size:1.35rem;font-weight:700}
            ol.steps{list-style:none;margin:1rem 0;padding:0;display:grid;gap:.25rem}
            ol.steps li{display:flex;gap:.6rem;align-items:center;color:var(--muted)}
            ol.steps li::before{content:"";flex:none;width:1.1rem;height:1.1rem;border-radius:50%;border:2px solid #7a837e;background:#fff}
            ol.steps li.done{color:var(--ink)}
            ol.steps li.done::before{background:var(--brand);border-color:var(--brand)}
            ol.steps li.current{font-weight:700;color:var(--ink)}
            ol.steps li.current::before{background:var(--accent);border-color:var(--brand-dark)}
            ol.timeline{list-style:none;margin:.5rem 0;padding:0 0 0 1rem;border-left:3px solid var(--line)}
            ol.timeline li{position:relative;padding:.25rem 0 .9rem .75rem}
            ol.timeline li::before{content:"";position:absolute;left:-1.55rem;top:.55rem;width:.8rem;height:.8rem;border-radius:50%;background:var(--brand)}
            ol.timeline time{display:block;color:var(--muted);font-size:.92rem}
            .subnav{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0 1rem;padding:0;list-style:none}
            .subnav a{display:flex;align-items:center;min-height:44px;padding:.55rem .9rem;border:2px solid var(--brand);border-radius:2rem;text-decoration:none;color:var(--brand-dark);font-weight:600;background:#fff}
            .subnav a[aria-current=page],.subnav a[aria-current=true]{background:var(--brand);color:#fff}
            .chart{background:#fff;border:1px solid var(--line);border-radius:.6rem;padding:.5rem;margin:.5rem 0 1rem}
            .chart{padding:.5rem .25rem}
            .chart svg{display:block;width:100%;height:auto;max-width:36rem;margin:0 auto}
            .legend{display:flex;flex-wrap:wrap;gap:1rem;font-size:.9rem;color:var(--muted);margin:.25rem .5rem}
            .legend span::before{content:"";display:inline-block;width:1rem;height:.7rem;margin-right:.35rem;vertical-align:middle}
            .legend .l-median::before{height:.25rem;background:#1d5f3a}
            .legend .l-band::before{background:#cfe5d6}
            details{margin:.5rem 0}
            summary{cursor:pointer;min-height:44px;padding:.6rem 0;font-weight:600;color:var(--link)}
            footer.site{border-top:1px solid var(--line);color:var(--muted);font-size:.92rem;padding:1rem 0 2rem}
            ul.donors{list-style:none;margin:0;padding:0;display:grid;gap:.75rem;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr))}
            ul.donors .card{margin:0}
            ul.donors h3{margin:0 0 .25rem}
            ul.donors ul{margin:.5rem 0 0;padding-left:1.2rem}
            ul.alerts{list-style:none;margin:.5rem 0 1rem;padding:0;display:grid;gap:.5rem}
            ul.alerts li{background:#fff;border:1px solid var(--line);border-left:6px solid var(--warn);border-radius:.5rem;padding:.6rem .8rem}
            ul.alerts .what{display:flex;flex-wrap:wrap;gap:.25rem .6rem;align-items:center}
            ul.alerts .what a{font-weight:700}
            @media (max-width:40rem){header.site nav{width:100%}nav ul{display:grid;grid-template-columns:repeat(3,1fr);gap:.25rem}nav a{text-align:center;padding:.6rem .25rem;font-size:.95rem;line-height:1.25;display:flex;align-items:center;justify-content:center}}
            @media (max-width:30rem){body{font-size:16px}h1{font-size:1.4rem}th,td{padding:.45rem .35rem}}
            @media print{header.site nav,.skip,form{display:none}.card{overflow:visible}}
            """)

    /// A complete HTML response (UTF-8), not cached by shared caches; `noStore` for pages that
    /// show a private lookup (Cek Resi).
    static func response(_ page: HTML, status: HTTPResponse.Status = .ok, noStore: Bool = false, headers extra: HTTPFields = [:])
        -> Response
    {
        var headers = extra
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = noStore ? "no-store" : "no-cache"
        headers[.contentSecurityPolicy] =
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        headers[.xContentTypeOptions] = "nosniff"
        // No Referer leaves for another site; a form posted to this site carries its Origin (under
        // `no-referrer` Chromium sends `Origin: null`, which the staff screens refuse as another
        // site's form: every form a browser sent was refused).
        if let referrerPolicy = HTTPField.Name("Referrer-Policy") { headers[referrerPolicy] = "same-origin" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page.rendered)))
    }
}
