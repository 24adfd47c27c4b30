import CSystem
#if canImport(Glibc)
import Glibc
#endif

/// The reason names run entries refer to by a one-byte code, kept in the `reasons` table.
final class ReasonDictionary {
    private(set) var names: [String] = []
    private var codes: [String: UInt8] = [:]

    func load(db: SQLiteConnection) throws {
        names.removeAll()
        codes.removeAll()
        let select = try db.cached("SELECT code, name FROM reasons ORDER BY code")
        while try select.step() {
            let code = Int(select.int64(0))
            let name = select.string(1) ?? ""
            guard code >= 0, code < 256 else { continue }
            while names.count < code { names.append("") }
            names.append(name)
            codes[name] = UInt8(code)
        }
    }

    /// The code of a reason, adding it to the table (inside the caller's transaction) when new.
    func code(for name: String, db: SQLiteConnection) throws -> UInt8 {
        if let code = codes[name] { return code }
        guard names.count < 256 else {
            throw HistoryError.sqlite(path: db.path, code: 1, message: "more than 256 distinct reasons")
        }
        let code = UInt8(names.count)
        let insert = try db.cached("INSERT INTO reasons (code, name) VALUES (?1, ?2)")
        insert.bind(1, Int64(code))
        insert.bind(2, name)
        _ = try insert.step()
        insert.reset()
        names.append(name)
        codes[name] = code
        return code
    }
}

extension EventType {
    /// The type stored under this name in the history.
    init?(storedName bytes: UnsafeRawBufferPointer) {
        switch (bytes.count, bytes.first) {
        case (6, UInt8(ascii: "b")?): self = .bounce
        case (9, UInt8(ascii: "d")?): self = .delivered
        case (9, UInt8(ascii: "c")?): self = .complaint
        case (11, UInt8(ascii: "u")?): self = .unsubscribe
        case (5, UInt8(ascii: "a")?): self = .allow
        case (8, UInt8(ascii: "s")?): self = .suppress
        default: return nil
        }
    }
}

extension BounceKind {
    /// The kind stored under this name in the history (nil for NULL or an unknown name).
    init?(storedName bytes: UnsafeRawBufferPointer) {
        switch (bytes.count, bytes.first) {
        case (4, UInt8(ascii: "h")?): self = .hard
        case (4, UInt8(ascii: "s")?): self = .soft
        case (6, UInt8(ascii: "s")?): self = .sender
        case (6, UInt8(ascii: "i")?): self = .ignore
        default: return nil
        }
    }
}
