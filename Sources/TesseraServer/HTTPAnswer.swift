internal import CEL
import HTTPTypes
import Hummingbird
internal import NIOCore

/// Builders for the JSON responses of Tessera's routes.
enum HTTPAnswer {
    /// A JSON response from JSON text.
    static func json(_ status: HTTPResponse.Status, _ text: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// OPA's error body: `{"code": "...", "message": "..."}`.
    static func error(_ status: HTTPResponse.Status, code: String, message: String) -> Response {
        json(status, "{\"code\":\(JSON.quote(code)),\"message\":\(JSON.quote(message))}")
    }

    /// Plain text.
    static func text(_ status: HTTPResponse.Status, _ text: String, contentType: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text))
        )
    }
}
