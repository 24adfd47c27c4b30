import Foundation

/// A CSV header's column indexes by lower-cased, trimmed name, for the formats that find
/// their fields by name (PowerMTA accounting files, the ESPs' suppression exports); the
/// first of duplicate names wins (real exports repeat names).
struct HeaderColumns {
    let count: Int
    private let index: [String: Int]

    init(_ names: [String]) {
        count = names.count
        var index: [String: Int] = [:]
        for (i, name) in names.enumerated() {
            let key = name.trimmingCharacters(in: .whitespaces).lowercased()
            if index[key] == nil { index[key] = i }
        }
        self.index = index
    }

    func has(_ name: String) -> Bool { self(name) != nil }
    func callAsFunction(_ name: String) -> Int? { index[name.lowercased()] }
}
