import Foundation
import Testing

/// `nats-server` processes with JetStream on loopback, started by the test: one node, or a
/// cluster of several (each with its own client, cluster and monitoring ports and store dir).
/// Every node is killed when the value is released.
final class NATSCluster: @unchecked Sendable {
    struct Node {
        let name: String
        let clientPort: Int
        let clusterPort: Int
        let httpPort: Int
        let configPath: String
    }

    let nodes: [Node]
    let directory: String
    private var children: [Child?]
    private let lock = NSLock()

    /// Writes the config files of `size` nodes into `directory` (random free ports), each ending
    /// with `extraConfig` (an `authorization` block, say).
    init(size: Int, directory: String, extraConfig: String = "") throws {
        self.directory = directory
        let free = freePorts(3 * size)
        var ports: [(Int, Int, Int)] = []
        for i in 0..<size {
            let base: Int = 3 * i
            ports.append((free[base], free[base + 1], free[base + 2]))
        }
        let routes = ports.map { "nats-route://127.0.0.1:\($0.1)" }.joined(separator: ", ")
        var nodes: [Node] = []
        for (i, p) in ports.enumerated() {
            let name = "n\(i + 1)"
            let store = (directory as NSString).appendingPathComponent("js-\(name)")
            var config = """
                server_name: \(name)
                listen: 127.0.0.1:\(p.0)
                http: 127.0.0.1:\(p.2)
                jetstream {
                  store_dir: "\(store)"
                  max_memory_store: 256MB
                  max_file_store: 4GB
                }

                """
            if size > 1 {
                config += """
                    cluster {
                      name: lumbung-test
                      listen: 127.0.0.1:\(p.1)
                      routes: [\(routes)]
                    }

                    """
            }
            config += extraConfig
            let path = (directory as NSString).appendingPathComponent("\(name).conf")
            try config.write(toFile: path, atomically: true, encoding: .utf8)
            nodes.append(Node(name: name, clientPort: p.0, clusterPort: p.1, httpPort: p.2, configPath: path))
        }
        self.nodes = nodes
        children = Array(repeating: nil, count: size)
    }

    /// `nats://127.0.0.1:p1,nats://127.0.0.1:p2,...`
    var urls: String { nodes.map { "nats://127.0.0.1:\($0.clientPort)" }.joined(separator: ",") }

    static var serverBinary: String? { Binaries.which("nats-server") }

    /// `size` nodes in `directory`, started and ready; nil (with an issue recorded) when
    /// nats-server is not installed. A cluster that does not become ready fails the test.
    static func running(size: Int, directory: String, extraConfig: String = "") async throws -> NATSCluster? {
        guard serverBinary != nil else {
            Issue.record("nats-server is not installed (Scripts/install-deps.sh installs it)")
            return nil
        }
        let cluster = try NATSCluster(size: size, directory: directory, extraConfig: extraConfig)
        try cluster.startAll()
        try #require(await cluster.waitReady(), "nats-server did not become ready:\n\(cluster.logs())")
        return cluster
    }

    func start(_ i: Int) throws {
        guard let binary = Self.serverBinary else { throw ClusterError("nats-server is not installed") }
        let child = try Child(nodes[i].name, executable: binary, arguments: ["-c", nodes[i].configPath], logDirectory: directory)
        lock.withLock { children[i] = child }
    }

    func startAll() throws {
        for i in nodes.indices { try start(i) }
    }

    func kill(_ i: Int) {
        let child = lock.withLock { () -> Child? in
            let c = children[i]
            children[i] = nil
            return c
        }
        child?.kill(SIGKILL)
    }

    func killAll() {
        for i in nodes.indices { kill(i) }
    }

    /// Whether node `i` answers its health check (JetStream included).
    func isHealthy(_ i: Int) -> Bool {
        guard let r = try? httpGet("http://127.0.0.1:\(nodes[i].httpPort)/healthz") else { return false }
        return r.status == 200
    }

    /// Waits until every running node is healthy (a guard timeout only).
    func waitReady(timeout: Duration = .seconds(90)) async -> Bool {
        let running = lock.withLock { children.indices.filter { children[$0] != nil } }
        return await eventually(timeout: timeout, interval: .milliseconds(300)) { running.allSatisfy(isHealthy) }
    }

    func logs() -> String {
        lock.withLock { children.compactMap { $0.map { "--- \($0.name)\n" + String($0.log.suffix(3000)) } }.joined(separator: "\n") }
    }

    deinit {
        for c in children { c?.kill(SIGKILL) }
    }
}

struct ClusterError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
