import Crypto

/// The Merkle tree hashing of RFC 9162 (and RFC 6962) section 2.1: leaf hash
/// `SHA-256(0x00 ‖ entry)`, interior node `SHA-256(0x01 ‖ left ‖ right)`, the tree shape that
/// splits `n` leaves at the largest power of two below `n`, and its inclusion and consistency
/// proofs with the verification algorithms of sections 2.1.3.2 and 2.1.4.2.
///
/// Hashes are 32-byte arrays. Generating a root or a proof needs the hashes of *perfect*
/// subtrees only (2^level leaves starting at a multiple of 2^level), which a store keeps as they
/// complete; so every operation here takes a function that answers them.
public enum Merkle {
    /// A perfect subtree's hash: `level` 0 is a leaf hash; the node covers leaves
    /// `index << level ..< (index + 1) << level`.
    public typealias PerfectHash = (_ level: Int, _ index: Int) throws -> [UInt8]

    /// A proof asked for positions the tree does not have: an index outside it, or a consistency
    /// proof from a larger tree to a smaller one. Thrown, not trapped: the numbers come from requests.
    public struct ProofRangeError: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// The root of the empty tree: SHA-256 of nothing.
    public static let emptyRoot: [UInt8] = Array(SHA256.hash(data: [UInt8]()))

    /// `SHA-256(0x00 ‖ entry)`.
    public static func leafHash(_ entry: some Collection<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        hasher.update(data: Array(entry))
        return Array(hasher.finalize())
    }

    /// `SHA-256(0x00 ‖ entry)` of bytes in memory.
    public static func leafHash(_ entry: UnsafeRawBufferPointer) -> [UInt8] {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0)) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: entry)
        return hasher.finalize().withUnsafeBytes { Array($0) }
    }

    /// `SHA-256(0x01 ‖ left ‖ right)`.
    public static func nodeHash(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(1)) { hasher.update(bufferPointer: $0) }
        hasher.update(data: left)
        hasher.update(data: right)
        return hasher.finalize().withUnsafeBytes { Array($0) }
    }

    /// The largest power of two smaller than `n` (n > 1).
    static func split(_ n: Int) -> Int {
        precondition(n > 1)
        return 1 << (Int.bitWidth - 1 - (n - 1).leadingZeroBitCount)
    }

    /// MTH of leaves `start ..< start + size`, where `start` is a multiple of the largest power
    /// of two not above `size` (true of every subtree the tree shape makes).
    public static func subtreeHash(start: Int, size: Int, perfect: PerfectHash) rethrows -> [UInt8] {
        precondition(size > 0)
        if size & (size - 1) == 0 {
            let level = size.trailingZeroBitCount
            return try perfect(level, start >> level)
        }
        let k = split(size)
        return nodeHash(
            try subtreeHash(start: start, size: k, perfect: perfect), try subtreeHash(start: start + k, size: size - k, perfect: perfect))
    }

    /// The root (MTH) of the first `size` leaves.
    public static func root(size: Int, perfect: PerfectHash) rethrows -> [UInt8] {
        size == 0 ? emptyRoot : try subtreeHash(start: 0, size: size, perfect: perfect)
    }

    /// The audit path PATH(index, D[0:size]) of RFC 9162 section 2.1.3.1.
    public static func inclusionProof(index: Int, size: Int, perfect: PerfectHash) throws -> [[UInt8]] {
        guard index >= 0, index < size else { throw ProofRangeError(description: "index \(index) is not in a tree of \(size) entries") }
        func path(_ m: Int, _ start: Int, _ n: Int) throws -> [[UInt8]] {
            guard n > 1 else { return [] }
            let k = split(n)
            if m < k {
                return try path(m, start, k) + [try subtreeHash(start: start + k, size: n - k, perfect: perfect)]
            }
            return try path(m - k, start + k, n - k) + [try subtreeHash(start: start, size: k, perfect: perfect)]
        }
        return try path(index, 0, size)
    }

    /// The consistency proof PROOF(from, D[0:to]) of RFC 9162 section 2.1.4.1 (empty when
    /// `from` is 0 or equals `to`).
    public static func consistencyProof(from m: Int, to n: Int, perfect: PerfectHash) throws -> [[UInt8]] {
        guard 0 <= m, m <= n else { throw ProofRangeError(description: "no consistency proof from \(m) to \(n) entries") }
        guard m > 0, m < n else { return [] }
        func subproof(_ m: Int, _ start: Int, _ n: Int, _ complete: Bool) throws -> [[UInt8]] {
            if m == n {
                return complete ? [] : [try subtreeHash(start: start, size: n, perfect: perfect)]
            }
            let k = split(n)
            if m <= k {
                return try subproof(m, start, k, complete) + [try subtreeHash(start: start + k, size: n - k, perfect: perfect)]
            }
            return try subproof(m - k, start + k, n - k, false) + [try subtreeHash(start: start, size: k, perfect: perfect)]
        }
        return try subproof(m, 0, n, true)
    }

    /// The inner loop of both verifications: shift both numbers right until `fn` is odd or zero.
    private static func shiftToOddOrZero(_ fn: inout Int, _ sn: inout Int) {
        repeat {
            fn >>= 1
            sn >>= 1
        } while fn & 1 == 0 && fn != 0
    }

    /// Verifies an inclusion proof (RFC 9162 section 2.1.3.2).
    public static func verifyInclusion(leafHash: [UInt8], index: Int, size: Int, proof: [[UInt8]], root: [UInt8]) -> Bool {
        guard index >= 0, index < size, leafHash.count == 32, root.count == 32, proof.allSatisfy({ $0.count == 32 }) else { return false }
        var fn = index
        var sn = size - 1
        var r = leafHash
        for p in proof {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 { shiftToOddOrZero(&fn, &sn) }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// Verifies a consistency proof between two tree sizes (RFC 9162 section 2.1.4.2). Any tree
    /// is consistent with the empty one (with an empty proof).
    public static func verifyConsistency(from first: Int, to second: Int, proof: [[UInt8]], firstRoot: [UInt8], secondRoot: [UInt8]) -> Bool
    {
        guard 0 <= first, first <= second, firstRoot.count == 32, secondRoot.count == 32, proof.allSatisfy({ $0.count == 32 }) else {
            return false
        }
        if first == 0 { return proof.isEmpty && firstRoot == emptyRoot }
        if first == second { return proof.isEmpty && firstRoot == secondRoot }
        guard !proof.isEmpty else { return false }
        var path = proof
        if first & (first - 1) == 0 { path.insert(firstRoot, at: 0) }
        var fn = first - 1
        var sn = second - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        for c in path.dropFirst() {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                if fn & 1 == 0 { shiftToOddOrZero(&fn, &sn) }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return fr == firstRoot && sr == secondRoot && sn == 0
    }
}

/// The right edge of a tree being built leaf by leaf: the hashes of its perfect subtrees from the
/// largest to the smallest, enough to give the root at every size. `koppeling log verify`
/// recomputes a whole log with it, in one pass and constant memory.
public struct MerkleFrontier: Sendable {
    /// Perfect subtree hashes, largest first, with their levels.
    private var stack: [(level: Int, hash: [UInt8])] = []
    /// The number of leaves appended.
    public private(set) var size = 0

    public init() {}

    /// The frontier of a tree of `size` leaves, from its perfect subtrees.
    public init(size: Int, perfect: Merkle.PerfectHash) rethrows {
        var offset = 0
        for level in stride(from: Int.bitWidth - 1, through: 0, by: -1) where size & (1 << level) != 0 {
            stack.append((level, try perfect(level, offset >> level)))
            offset += 1 << level
        }
        self.size = size
    }

    /// Appends a leaf hash; returns the perfect subtrees it completed (level ≥ 1), smallest first.
    @discardableResult
    public mutating func append(leafHash: [UInt8]) -> [(level: Int, index: Int, hash: [UInt8])] {
        var completed: [(level: Int, index: Int, hash: [UInt8])] = []
        var current = (level: 0, hash: leafHash)
        while let last = stack.last, last.level == current.level {
            stack.removeLast()
            current = (current.level + 1, Merkle.nodeHash(last.hash, current.hash))
            completed.append((current.level, size >> current.level, current.hash))
        }
        stack.append(current)
        size += 1
        return completed
    }

    /// The root of the leaves appended so far.
    public var root: [UInt8] {
        guard var hash = stack.last?.hash else { return Merkle.emptyRoot }
        for entry in stack.dropLast().reversed() {
            hash = Merkle.nodeHash(entry.hash, hash)
        }
        return hash
    }
}
