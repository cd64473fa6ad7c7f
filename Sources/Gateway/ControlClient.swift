// ControlClient: the CLI's end of the control socket. A plain blocking Unix-socket exchange:
// one request line out, one response line back.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

public enum ControlClientError: Error, CustomStringConvertible {
    case daemonNotRunning(String)
    case protocolError(String)

    public var description: String {
        switch self {
        case .daemonNotRunning(let path): return "the daemon is not running (no control socket at \(path))"
        case .protocolError(let m): return "control socket: \(m)"
        }
    }
}

public enum ControlClient {
    public static func send(_ request: ControlRequest, socketPath: String) throws -> ControlResponse {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ControlClientError.protocolError("socket: errno \(errno)") }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            throw ControlClientError.protocolError("socket path too long: \(socketPath)")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw ControlClientError.daemonNotRunning(socketPath) }
        let line = ControlCodec.encodeLine(request)
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count else { throw ControlClientError.protocolError("short write") }
        var response = Data()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { break }
            response.append(contentsOf: chunk[0..<n])
            if chunk[0..<n].contains(0x0A) { break }
        }
        guard let decoded = try? ControlCodec.decode(ControlResponse.self, from: response) else {
            throw ControlClientError.protocolError("unreadable response")
        }
        return decoded
    }
}
