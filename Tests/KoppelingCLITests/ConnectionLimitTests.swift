import Foundation
import KoppelingTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// Hole 3 of issue 13: connections that never finish their request are closed, and they do not
/// starve the others. Against the real server process, with plain sockets.
@Suite("Connection limits (issue 13, hole 3)", .serialized)
struct ConnectionLimitTests {
    /// A TCP connection to 127.0.0.1:`port`, or nil.
    static func connect(_ port: Int) -> Int32? {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(socketDescriptor)
            return nil
        }
        return socketDescriptor
    }

    /// Whether the server closed the connection: a read that waits at most `seconds` returns 0 (end of stream) or an error.
    static func isClosedByServer(_ socketDescriptor: Int32, waiting seconds: Int) -> Bool {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(socketDescriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 512)
        while true {
            let count = read(socketDescriptor, &buffer, buffer.count)
            if count == 0 { return true }
            if count < 0 { return errno == ECONNRESET }
        }
    }

    /// Raises this process's descriptor limit so that it can hold the connections.
    static func raiseDescriptorLimit(to wanted: Int) -> Bool {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return false }
        if Int(limit.rlim_cur) < wanted {
            limit.rlim_cur = min(limit.rlim_max, rlim_t(wanted))
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(limit.rlim_cur) >= wanted
    }

    @Test("2,000 idle half-sent requests: /health/live still answers within a second, and the server closes them after the idle timeout")
    func halfRequests() async throws {
        try #require(Self.raiseDescriptorLimit(to: 2_300), "this machine's descriptor limit is below 2,300")
        let folder = try TestEnvironment.temporaryFolder()
        let (server, base) = try await startServer(
            in: folder, arguments: ["--database", "c.sqlite"], environment: ["KOPPELING_IDLE_TIMEOUT_SECONDS": "4"])
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let port = try #require(base.port)
        var open: [Int32] = []
        defer { for connection in open { close(connection) } }
        let head = Array("POST /v1/register/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n".utf8)
        for _ in 0..<2_000 {
            let connection = try #require(Self.connect(port), "connection \(open.count + 1) was refused")
            #expect(write(connection, head, head.count) == head.count)
            open.append(connection)
        }
        #expect(open.count == 2_000)
        // The health check goes through while all of them hang. Over a socket of its own: this
        // process now holds descriptors above 1,024, which URLSession's select() cannot watch.
        let started = ContinuousClock.now
        let health = try #require(Self.connect(port), "the health check's connection was refused")
        defer { close(health) }
        let request = Array("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        #expect(write(health, request, request.count) == request.count)
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(health, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = read(health, &buffer, buffer.count)
        let elapsed = ContinuousClock.now - started
        #expect(count > 0 && String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        #expect(elapsed < .seconds(1), "health took \(elapsed)")
        // None of them got an answer; after the idle timeout the server has closed every one.
        var closed = 0
        for connection in open where Self.isClosedByServer(connection, waiting: 10) { closed += 1 }
        #expect(closed == 2_000)
        #expect(server.isRunning)
    }

    @Test(
        "a connection that never starts its TLS handshake is closed after the idle timeout; TLS below 1.2 is refused",
        .enabled(if: CommandLineTests.hasTLSTools || TestEnvironment.requireAll, "skipped: curl or openssl is missing"))
    func stalledHandshake() async throws {
        let folder = try TestEnvironment.temporaryFolder()
        _ = try shell(
            """
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.pem -days 2 -subj \
            "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
            """, in: folder)
        let (server, url) = try await startTLSServer(
            in: folder, arguments: ["--database", "t.sqlite", "--tls-cert", "server.pem", "--tls-key", "server.key"],
            curlOptions: "--cacert server.pem", environment: ["KOPPELING_IDLE_TIMEOUT_SECONDS": "2"])
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let port = try #require(URL(string: url)?.port)
        let silent = try #require(Self.connect(port))
        defer { close(silent) }
        let started = ContinuousClock.now
        #expect(Self.isClosedByServer(silent, waiting: 10))
        #expect(ContinuousClock.now - started < .seconds(8))

        // TLS 1.1 from a client that can speak it (shown against openssl's own server) is refused; 1.2 is served.
        let controlPort = Int.random(in: 40_001...50_000)
        let control = Process()
        control.executableURL = URL(fileURLWithPath: "/bin/sh")
        control.arguments = [
            "-c", "exec openssl s_server -accept \(controlPort) -cert server.pem -key server.key -tls1_1 -cipher 'DEFAULT@SECLEVEL=0' -www",
        ]
        control.currentDirectoryURL = folder
        control.standardOutput = FileHandle.nullDevice
        control.standardError = FileHandle.nullDevice
        try control.run()
        defer { if control.isRunning { kill(control.processIdentifier, SIGKILL) } }
        // The protocol of a completed handshake, or "" when none was agreed (s_client prints a
        // Protocol line either way; only a real cipher shows the handshake completed).
        func protocolSpoken(_ port: Int, _ option: String) throws -> String {
            let output = try shell(
                "echo | timeout 5 openssl s_client -connect 127.0.0.1:\(port) \(option) -cipher 'DEFAULT@SECLEVEL=0' 2>&1 || true",
                in: folder)
            guard output.contains("Cipher is "), !output.contains("Cipher is (NONE)") else { return "" }
            let line = output.split(separator: "\n").first { $0.contains("Protocol") && $0.contains(":") }
            return line.map { $0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces) } ?? ""
        }
        var controlAnswer = ""
        for _ in 0..<50 where controlAnswer.isEmpty {
            controlAnswer = try protocolSpoken(controlPort, "-tls1_1")
            if controlAnswer.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(controlAnswer.hasSuffix("TLSv1.1"), "the control server did not speak TLS 1.1, so the refusal below would prove nothing")
        #expect(try protocolSpoken(port, "-tls1_1") == "")
        #expect(try protocolSpoken(port, "-tls1") == "")
        #expect(try protocolSpoken(port, "-tls1_2").hasSuffix("TLSv1.2"))
    }

    @Test("the connection cap: past KOPPELING_MAX_CONNECTIONS a new connection waits until one closes")
    func connectionCap() async throws {
        let folder = try TestEnvironment.temporaryFolder()
        let (server, base) = try await startServer(
            in: folder, arguments: ["--database", "c.sqlite"],
            environment: ["KOPPELING_MAX_CONNECTIONS": "16", "KOPPELING_IDLE_TIMEOUT_SECONDS": "60"])
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let port = try #require(base.port)
        // Let the start-up checks' connections close before counting.
        try await Task.sleep(for: .milliseconds(500))
        var open: [Int32] = []
        for _ in 0..<16 { open.append(try #require(Self.connect(port))) }
        try await Task.sleep(for: .milliseconds(300))
        // A new session each time: a pooled connection from the start-up checks would slip past the cap.
        func health() async -> Int? {
            var request = URLRequest(url: base.appendingPathComponent("health/live"))
            request.timeoutInterval = 1.5
            let session = URLSession(configuration: .ephemeral)
            defer { session.invalidateAndCancel() }
            return try? await (session.data(for: request).1 as? HTTPURLResponse)?.statusCode
        }
        #expect(await health() == nil)
        for connection in open { close(connection) }
        var answered: Int?
        for _ in 0..<10 where answered == nil { answered = await health() }
        #expect(answered == 200)
    }
}
