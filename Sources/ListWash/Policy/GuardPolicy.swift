extension Policy {
    /// The blast-radius guard's limits: a `clean` that would remove more than these shares of
    /// a large enough list refuses to replace the previous outputs (unless forced).
    public struct Guard: Codable, Equatable, Sendable {
        /// The largest share (0–1) of the list's rows one run may remove.
        public var maxRemovedShare: Double = 0.10
        /// The largest share (0–1) of one receiving domain's rows one run may remove.
        public var maxDomainShare: Double = 0.50
        /// Domains with fewer rows than this are not judged on their own share.
        public var minDomainRows = 20
        /// Lists with fewer rows than this are not guarded at all (the samples and small test lists).
        public var minListRows = 100
        public init() {}

        func validate(path: String) throws {
            for (name, share) in [("guard.max_removed_share", maxRemovedShare), ("guard.max_domain_share", maxDomainShare)]
            where !(0...1).contains(share) {
                throw PolicyError.invalid(path: path, reason: "\(name) must be between 0 and 1")
            }
            if minDomainRows < 1 { throw PolicyError.invalid(path: path, reason: "guard.min_domain_rows must be at least 1") }
            if minListRows < 0 { throw PolicyError.invalid(path: path, reason: "guard.min_list_rows must not be negative") }
        }
    }
}

extension Policy.Guard {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Policy.Guard()
        maxRemovedShare = try c.decodeIfPresent(Double.self, forKey: .maxRemovedShare) ?? d.maxRemovedShare
        maxDomainShare = try c.decodeIfPresent(Double.self, forKey: .maxDomainShare) ?? d.maxDomainShare
        minDomainRows = try c.decodeIfPresent(Int.self, forKey: .minDomainRows) ?? d.minDomainRows
        minListRows = try c.decodeIfPresent(Int.self, forKey: .minListRows) ?? d.minListRows
    }
}
