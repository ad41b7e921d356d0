/// JUnit XML for `tessera test --junit FILE`, the format CI systems read: one `testsuite` per test
/// file, one `testcase` per case (`classname` is the decision path), a `failure` element with the
/// expected and actual results, and an `error` test case for problems that kept a file from running.
package enum JUnitReport {
    /// The XML document of a run.
    package static func xml(_ report: PolicyTestRunner.Report) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let total = report.files.reduce(0) { $0 + $1.cases.count + ($1.errors.isEmpty ? 0 : 1) }
        let time = seconds(report.files.flatMap(\.cases).reduce(.zero) { $0 + $1.duration })
        xml += "<testsuites name=\"tessera\" tests=\"\(total)\" failures=\"\(report.failedCount)\" "
        xml += "errors=\"\(report.files.filter { !$0.errors.isEmpty }.count)\" time=\"\(time)\">\n"
        for file in report.files {
            let errors = file.errors.isEmpty ? 0 : 1
            let fileTime = seconds(file.cases.reduce(.zero) { $0 + $1.duration })
            xml += "  <testsuite name=\"\(escape(file.file))\" tests=\"\(file.cases.count + errors)\" "
            xml += "failures=\"\(file.failedCount)\" errors=\"\(errors)\" time=\"\(fileTime)\">\n"
            if !file.errors.isEmpty {
                let text = file.errors.map { "\($0.file):\($0.position): \($0.message)" }.joined(separator: "\n")
                xml += "    <testcase classname=\"\(escape(file.file))\" name=\"(load)\" time=\"0\">\n"
                xml += "      <error message=\"\(escape(file.errors[0].message))\">\(escape(text))</error>\n"
                xml += "    </testcase>\n"
            }
            for result in file.cases {
                xml += "    <testcase classname=\"\(escape(result.path))\" name=\"\(escape(result.testCase.name))\" "
                xml += "file=\"\(escape(file.file))\" line=\"\(result.testCase.position.line)\" "
                xml += "time=\"\(seconds(result.duration))\""
                guard let failure = result.failure else {
                    xml += "/>\n"
                    continue
                }
                let summary = failure.split(separator: "\n").first.map(String.init) ?? failure
                xml += ">\n      <failure message=\"\(escape(summary))\">\(escape(failure))</failure>\n"
                xml += "    </testcase>\n"
            }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return xml
    }

    /// A duration in seconds with microsecond precision, as JUnit's `time` attributes want it.
    private static func seconds(_ duration: Swift.Duration) -> String {
        let micros = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        let whole = micros / 1_000_000
        let fraction = String(micros % 1_000_000)
        return "\(whole)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    /// Escapes text for XML attributes and content; control characters XML 1.0 forbids are dropped.
    static func escape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\n": result += "&#10;"
            case "\t", "\r": result.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 { result.unicodeScalars.append(scalar) }
            }
        }
        return result
    }
}
