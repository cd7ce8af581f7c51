import Crypto
import Foundation
import KoppelingCore
import Testing

/// A tree kept in memory level by level, as the store keeps it: only perfect subtrees.
struct MemoryTree {
    var levels: [[[UInt8]]] = [[]]
    var frontier = MerkleFrontier()

    mutating func append(_ entry: [UInt8]) {
        let leaf = Merkle.leafHash(entry)
        levels[0].append(leaf)
        for node in frontier.append(leafHash: leaf) {
            if levels.count <= node.level { levels.append([]) }
            #expect(levels[node.level].count == node.index)
            levels[node.level].append(node.hash)
        }
    }

    func perfect(_ level: Int, _ index: Int) -> [UInt8] { levels[level][index] }
    func root(_ size: Int) -> [UInt8] { Merkle.root(size: size, perfect: perfect) }
    // Only asked for positions in the tree; out-of-range requests are tested on their own.
    func inclusion(_ index: Int, _ size: Int) -> [[UInt8]] { try! Merkle.inclusionProof(index: index, size: size, perfect: perfect) }
    func consistency(_ from: Int, _ to: Int) -> [[UInt8]] { try! Merkle.consistencyProof(from: from, to: to, perfect: perfect) }
}

func hex(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = text.startIndex
    while index < text.endIndex {
        let next = text.index(index, offsetBy: 2)
        bytes.append(UInt8(text[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

@Suite("Merkle tree (RFC 9162)")
struct MerkleTests {
    /// The reference leaves and roots of RFC 6962's test data (certificate-transparency).
    static let leaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map(hex)
    static let roots = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ].map(hex)

    static var reference: MemoryTree {
        var tree = MemoryTree()
        for leaf in leaves { tree.append(leaf) }
        return tree
    }

    @Test("roots of the reference tree at sizes 0 to 8, by subtrees and by the frontier")
    func roots() {
        var tree = MemoryTree()
        #expect(tree.root(0) == Self.roots[0])
        #expect(tree.frontier.root == Self.roots[0])
        for (index, leaf) in Self.leaves.enumerated() {
            tree.append(leaf)
            #expect(tree.root(index + 1) == Self.roots[index + 1], "size \(index + 1)")
            #expect(tree.frontier.root == Self.roots[index + 1], "frontier at size \(index + 1)")
        }
    }

    @Test("published inclusion and consistency proofs of the reference tree")
    func publishedProofs() {
        let tree = Self.reference
        let inclusion: [(Int, Int, [String])] = [
            (
                0, 8,
                [
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ]
            ),
            (
                5, 8,
                [
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ]
            ),
        ]
        for (index, size, proof) in inclusion {
            #expect(tree.inclusion(index, size) == proof.map(hex))
            #expect(
                Merkle.verifyInclusion(
                    leafHash: Merkle.leafHash(Self.leaves[index]), index: index, size: size, proof: proof.map(hex), root: Self.roots[size]))
        }
        let consistency: [(Int, Int, [String])] = [
            (
                2, 8,
                [
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ]
            ),
            (
                6, 8,
                [
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ]
            ),
        ]
        for (from, to, proof) in consistency {
            #expect(tree.consistency(from, to) == proof.map(hex))
            #expect(
                Merkle.verifyConsistency(from: from, to: to, proof: proof.map(hex), firstRoot: Self.roots[from], secondRoot: Self.roots[to])
            )
        }
        #expect(Merkle.verifyConsistency(from: 0, to: 8, proof: [], firstRoot: Merkle.emptyRoot, secondRoot: Self.roots[8]))
        #expect(Merkle.verifyConsistency(from: 8, to: 8, proof: [], firstRoot: Self.roots[8], secondRoot: Self.roots[8]))
        #expect(!Merkle.verifyConsistency(from: 8, to: 8, proof: [], firstRoot: Self.roots[8], secondRoot: Self.roots[7]))
    }

    @Test("proofs for positions outside the tree are errors, not traps: the numbers come from requests")
    func outOfRange() {
        let tree = Self.reference
        for (index, size) in [(-1, 8), (8, 8), (0, 0), (Int.max, 8), (Int.min, Int.max)] {
            #expect(throws: Merkle.ProofRangeError.self) { try Merkle.inclusionProof(index: index, size: size, perfect: tree.perfect) }
        }
        for (from, to) in [(-1, 8), (9, 8), (Int.max, 8), (Int.min, 0)] {
            #expect(throws: Merkle.ProofRangeError.self) { try Merkle.consistencyProof(from: from, to: to, perfect: tree.perfect) }
        }
        #expect(tree.inclusion(7, 8).count == 3)
    }

    @Test("random trees up to 70 leaves: every proof verifies, and any changed byte, any other index or size fails")
    func properties() {
        var generator = SystemRandomNumberGenerator()
        var tree = MemoryTree()
        var entries: [[UInt8]] = []
        for _ in 0..<70 {
            let entry = (0..<Int.random(in: 0...40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            entries.append(entry)
            tree.append(entry)
        }
        for size in 1...70 {
            let root = tree.root(size)
            for index in 0..<size {
                let leaf = Merkle.leafHash(entries[index])
                let proof = tree.inclusion(index, size)
                #expect(Merkle.verifyInclusion(leafHash: leaf, index: index, size: size, proof: proof, root: root))
                if !proof.isEmpty {
                    var changed = proof
                    let which = Int.random(in: 0..<proof.count)
                    changed[which][Int.random(in: 0..<32)] ^= UInt8(1 << Int.random(in: 0..<8))
                    #expect(!Merkle.verifyInclusion(leafHash: leaf, index: index, size: size, proof: changed, root: root))
                    #expect(!Merkle.verifyInclusion(leafHash: leaf, index: index, size: size, proof: Array(proof.dropLast()), root: root))
                }
                var entry = entries[index]
                entry.append(0)
                #expect(!Merkle.verifyInclusion(leafHash: Merkle.leafHash(entry), index: index, size: size, proof: proof, root: root))
                if size > 1 {
                    #expect(
                        !Merkle.verifyInclusion(leafHash: leaf, index: (index + 1) % size, size: size, proof: proof, root: root)
                            || Merkle.leafHash(entries[(index + 1) % size]) == leaf)
                }
            }
            for from in 0...size {
                let proof = tree.consistency(from, size)
                #expect(
                    Merkle.verifyConsistency(from: from, to: size, proof: proof, firstRoot: tree.root(from), secondRoot: root),
                    "\(from) → \(size)")
                if !proof.isEmpty {
                    var changed = proof
                    changed[Int.random(in: 0..<proof.count)][Int.random(in: 0..<32)] ^= 0x80
                    #expect(!Merkle.verifyConsistency(from: from, to: size, proof: changed, firstRoot: tree.root(from), secondRoot: root))
                    var otherRoot = root
                    otherRoot[0] ^= 1
                    #expect(
                        !Merkle.verifyConsistency(from: from, to: size, proof: proof, firstRoot: tree.root(from), secondRoot: otherRoot))
                }
            }
        }
    }
}

@Suite("Checkpoints as C2SP signed notes")
struct SignedNoteTests {
    @Test("a signed checkpoint opens with its verifier key, and not when a byte changes or with another key")
    func signAndOpen() throws {
        let signer = NoteSigner(name: "koppeling.example/log", key: Curve25519.Signing.PrivateKey())
        let checkpoint = Checkpoint(origin: "koppeling.example/log", size: 8, root: MerkleTests.roots[8])
        let note = try signer.sign(checkpoint.text)
        #expect(note.hasPrefix("koppeling.example/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n\u{2014} koppeling.example/log "))
        let verifier = try #require(NoteVerifier(verifierKey: signer.verifier.verifierKey))
        #expect(verifier == signer.verifier)
        #expect(signer.verifier.verifierKey.hasPrefix("koppeling.example/log+\(signer.verifier.keyID.lowercaseHex)+A"))
        let text = try #require(verifier.open(note))
        #expect(Checkpoint(text: text) == checkpoint)
        #expect(verifier.open(note.replacingOccurrences(of: "\n8\n", with: "\n9\n")) == nil)
        let other = NoteSigner(name: "koppeling.example/log", key: Curve25519.Signing.PrivateKey())
        #expect(other.verifier.open(note) == nil)
        #expect(NoteVerifier(verifierKey: "koppeling.example/log+00000000+" + signer.verifier.verifierKey.split(separator: "+")[2]) == nil)
    }

    @Test("the key ID is the first four bytes of SHA-256(name, newline, 0x01, key)")
    func keyID() {
        let key = Curve25519.Signing.PrivateKey()
        let verifier = NoteVerifier(name: "example.com/log", publicKey: key.publicKey)
        var input = Array("example.com/log".utf8)
        input += [0x0A, 0x01] + Array(key.publicKey.rawRepresentation)
        #expect(verifier.keyID == Array(SHA256.hash(data: input).prefix(4)))
    }
}
