"""An independent OAuth client (PyJWT, not our code): asks a running Koppeling server for a
token with a private_key_jwt assertion (RFC 7523, EdDSA) and makes a lookup, then tries the
refusals. Prints one line per step: '<step> <HTTP status> [<detail>]'.

Usage: pyjwt_client.py BASE_URL CLIENT_ID PRIVATE_KEY_FILE INSZ"""
import base64
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def post(url, data, headers):
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def main():
    base, client_id, key_file, insz = sys.argv[1:5]
    key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(open(key_file).read().strip()))
    token_url = base + "/oauth/token"

    def assertion(audience=token_url, lifetime=60, jti=None):
        now = int(time.time())
        claims = {"iss": client_id, "sub": client_id, "aud": audience, "iat": now, "exp": now + lifetime, "jti": jti or str(uuid.uuid4())}
        return jwt.encode(claims, key, algorithm="EdDSA")

    def token(signed):
        form = urllib.parse.urlencode({
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": signed,
        }).encode()
        return post(token_url, form, {"Content-Type": "application/x-www-form-urlencoded"})

    def lookup(access):
        body = json.dumps({"insz": insz, "purpose": "ART_1_2_INTEGRATION_EFFORTS", "caseReference": "PY-1", "referenceDate": "2026-11-01"}).encode()
        headers = {"Content-Type": "application/json"}
        if access:
            headers["Authorization"] = "Bearer " + access
        return post(base + "/v1/exchange/lookups", body, headers)

    status, answer = token(assertion())
    print("token", status, answer.get("token_type", ""))
    access = answer.get("access_token")
    status, answer = lookup(access)
    print("lookup", status, answer.get("result", {}).get("status", ""), len(answer.get("result", {})))
    print("no-token", lookup(None)[0])
    print("wrong-audience", token(assertion(audience="https://elsewhere/oauth/token"))[0])
    print("expired", token(assertion(lifetime=-60))[0])
    once = assertion(jti="py-replay-" + str(uuid.uuid4()))
    print("first-use", token(once)[0])
    print("replay", token(once)[0])
    other = Ed25519PrivateKey.generate()
    now = int(time.time())
    forged = jwt.encode({"iss": client_id, "sub": client_id, "aud": token_url, "exp": now + 60, "jti": str(uuid.uuid4())}, other, algorithm="EdDSA")
    print("unknown-key", token(forged)[0])


if __name__ == "__main__":
    main()
