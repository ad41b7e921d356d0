// trivial-server: the practical limit of the HTTP stack for bench/http/run.sh. One route,
// `POST /trivial`, that reads the whole body (so the same bytes cross the stack as for a decision)
// and answers the constant `{"result":true}` with `Content-Type: application/json`.
//
//     trivial-server [--host 127.0.0.1] [--port 8282]
//
// The Application is set up as TesseraHTTPServer sets up `tessera serve` (HTTP/1.1 server builder,
// `ApplicationConfiguration(address:serverName:)`, the singleton event loop group, the same body
// limit of 1 MiB), so the only difference is the work of the route. It prints
// `trivial-server listening on 127.0.0.1:PORT` once the socket is bound, and stops on SIGTERM or
// SIGINT.

import Foundation
import Hummingbird

/// Writes to standard error and exits with status 2 (usage).
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("trivial-server: " + message + "\n").utf8))
    exit(2)
}

var host = "127.0.0.1"
var port = 8282
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--port":
        guard let value = arguments.popFirst().flatMap(Int.init), (0...65535).contains(value) else {
            fail("--port needs a number from 0 to 65535")
        }
        port = value
    case "--host":
        guard let value = arguments.popFirst(), !value.isEmpty else { fail("--host needs an address") }
        host = value
    case "-h", "--help":
        print("usage: trivial-server [--host 127.0.0.1] [--port 8282]")
        exit(0)
    default:
        fail("unexpected argument \(argument) (usage: trivial-server [--host H] [--port N])")
    }
}

/// The body limit of `tessera serve` (ServerConfiguration.maxBodyBytes).
let maxBodyBytes = 1 << 20
let answer = "{\"result\":true}"

let router = Router()
router.post("/trivial") { request, _ -> Response in
    var request = request
    guard let body = try? await request.collectBody(upTo: maxBodyBytes) else {
        return Response(status: .contentTooLarge)
    }
    // Touch the bytes, as a decoder would start to.
    guard body.readableBytes > 0 else {
        return Response(status: .badRequest)
    }
    return Response(
        status: .ok,
        headers: [.contentType: "application/json"],
        body: ResponseBody(byteBuffer: ByteBuffer(string: answer))
    )
}

let boundHost = host
let app = Application(
    router: router,
    server: .http1(),
    configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "trivial"),
    onServerRunning: { channel in
        let line = "trivial-server listening on \(boundHost):\(channel.localAddress?.port ?? 0)\n"
        FileHandle.standardOutput.write(Data(line.utf8))
    }
)
try await app.runService()
