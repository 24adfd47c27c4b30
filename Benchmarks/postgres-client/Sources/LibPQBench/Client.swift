import CLibPQ
import PGRows

extension LibPQ: Client {
    public var name: String { Self.name }
    public var backendPID: Int32 { PQbackendPID(handle) }

    public func reset() throws {
        try execute(Table.drop)
        try execute(Table.create)
    }
}
