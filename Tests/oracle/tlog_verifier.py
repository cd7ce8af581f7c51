"""An independent verifier of Koppeling's transparency log, written from RFC 9162 and the C2SP
signed-note and tlog-checkpoint specifications without the project's code. It fetches the log's
key, the latest checkpoint and every entry, recomputes the root, verifies the checkpoint's
signature, and checks an inclusion proof and a consistency proof from the server.
Prints one line per check, 'ok <what>' or 'FAIL <what>'; exits 1 on any failure.

Usage: tlog_verifier.py BASE_URL STAFF_TOKEN"""
import base64
import hashlib
import json
import sys
import urllib.request

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def get(url, token=None):
    request = urllib.request.Request(url, headers={"Authorization": "Bearer " + token} if token else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def leaf_hash(entry):
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def mth(leaves):
    """RFC 9162 2.1.1, directly from the definition."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def shift_to_odd_or_zero(fn, sn):
    while True:
        fn >>= 1
        sn >>= 1
        if fn & 1 or fn == 0:
            return fn, sn


def verify_inclusion(leaf, index, size, proof, root):
    """RFC 9162 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                fn, sn = shift_to_odd_or_zero(fn, sn)
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first, second, proof, first_root, second_root):
    """RFC 9162 2.1.4.2."""
    if first == second:
        return not proof and first_root == second_root
    if first == 0 or not proof:
        return False
    if first & (first - 1) == 0:
        proof = [first_root] + proof
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                fn, sn = shift_to_odd_or_zero(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


def open_note(note, name, key_id, public_key):
    """C2SP signed-note: the text up to the last blank line, signed by a line '— name base64(id||sig)'."""
    text, _, signatures = note.rpartition("\n\n")
    text += "\n"
    for line in signatures.splitlines():
        prefix = "\u2014 " + name + " "
        if not line.startswith(prefix):
            continue
        blob = base64.b64decode(line[len(prefix):])
        if blob[:4] != key_id:
            continue
        try:
            public_key.verify(blob[4:], text.encode())
            return text
        except InvalidSignature:
            return None
    return None


def main():
    base, token = sys.argv[1].rstrip("/"), sys.argv[2]
    failures = 0

    def check(ok, what):
        nonlocal failures
        print(("ok " if ok else "FAIL ") + what)
        failures += 0 if ok else 1

    # One verifier key per line: the current key, then retired ones.
    keys = []
    for vkey in get(base + "/v1/transparency/key").decode().splitlines():
        name, key_id_hex, key_b64 = vkey.split("+", 2)
        raw = base64.b64decode(key_b64)
        check(raw[0] == 1 and len(raw) == 33, "verifier key is Ed25519")
        key_id = bytes.fromhex(key_id_hex)
        check(hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4] == key_id, "key ID = SHA-256(name, newline, 0x01, key)[:4]")
        keys.append((name, key_id, Ed25519PublicKey.from_public_bytes(raw[1:])))
    check(len(keys) >= 1, "the log publishes its key")
    name = keys[0][0]

    note = get(base + "/v1/transparency/checkpoint").decode()
    text = next((t for t in (open_note(note, *key) for key in keys) if t is not None), None)
    check(text is not None, "checkpoint signature verifies")
    origin, size_line, root_b64 = text.split("\n")[:3]
    size, root = int(size_line), base64.b64decode(root_b64)
    check(origin == name, "checkpoint origin is the key name")

    leaves = []
    while len(leaves) < size:
        end = min(size, len(leaves) + 1000)
        page = json.loads(get(f"{base}/v1/transparency/entries?start={len(leaves)}&end={end}", token))["entries"]
        for item in page:
            check_leaf = leaf_hash(item["entry"].encode())
            if check_leaf != base64.b64decode(item["leafHash"]) or item["index"] != len(leaves):
                check(False, f"entry {item['index']} and its leaf hash")
            leaves.append(check_leaf)
            entry = json.loads(item["entry"])
            if len(entry.get("subjectPseudonym", "")) != 64 or "insz" in entry:
                check(False, f"entry {item['index']} holds only a pseudonym")
    check(len(leaves) == size, f"fetched {size} entries")
    check(mth(leaves) == root, f"recomputed root of {size} entries equals the checkpoint's")

    index = size // 2
    proof = json.loads(get(f"{base}/v1/transparency/proofs/inclusion?index={index}&size={size}"))["proof"]
    check(verify_inclusion(leaves[index], index, size, [base64.b64decode(p) for p in proof], root), f"inclusion proof of entry {index} in {size}")
    first = max(1, size // 3)
    proof = json.loads(get(f"{base}/v1/transparency/proofs/consistency?from={first}&to={size}"))["proof"]
    check(verify_consistency(first, size, [base64.b64decode(p) for p in proof], mth(leaves[:first]), root), f"consistency proof {first} -> {size}")
    bad = bytearray(leaves[index])
    bad[0] ^= 1
    check(not verify_inclusion(bytes(bad), index, size, [base64.b64decode(p) for p in
          json.loads(get(f"{base}/v1/transparency/proofs/inclusion?index={index}&size={size}"))["proof"]], root), "a changed leaf fails")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
