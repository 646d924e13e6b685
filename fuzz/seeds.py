#!/usr/bin/env python3
"""Writes seed corpora for the byte-input fuzz targets from the test vectors and key fixtures.

    python3 fuzz/seeds.py            # writes fuzz/corpus/<target>/seed-*

Sources: tests/vectors/jwt_attacks.json (178 attack cases), tests/fixtures/interop/tokens.json
(PyJWT, jose, PHP-style tokens), tests/vectors/rfc8037.json (RFC 8037 Appendix A), and the
PEM/DER/JWK/JWKS files under tests/fixtures. The structure-aware targets (structured,
roundtrip, diff_jsonwebtoken) take `arbitrary` input and start from an empty corpus.
Generated corpora are not committed (fuzz/corpus is in the root .gitignore).
"""

import base64
import hashlib
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"


def b64url_decode(segment):
    """Lenient decode for seeds (non-canonical or invalid segments are skipped)."""
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (ValueError, TypeError):
        return None


def write(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / ("seed-" + hashlib.sha1(data).hexdigest()[:16])).write_bytes(data)


def tokens():
    attacks = json.loads((ROOT / "tests/vectors/jwt_attacks.json").read_text())
    for case in attacks["cases"]:
        if "token" in case:
            yield case["token"]
    interop = json.loads((ROOT / "tests/fixtures/interop/tokens.json").read_text())
    for case in interop["cases"]:
        yield case["token"]
    rfc = json.loads((ROOT / "tests/vectors/rfc8037.json").read_text())["rfc8037"]
    yield rfc["A.4_compact_jws"]


def raw_json():
    """Header and payload JSON texts stored verbatim in the attack corpus."""
    attacks = json.loads((ROOT / "tests/vectors/jwt_attacks.json").read_text())
    for case in attacks["cases"]:
        for key in ("header_raw", "payload_raw"):
            if isinstance(case.get(key), str):
                yield key, case[key]


def main():
    for token in tokens():
        write("verify", token)
        write("bearer", "Bearer " + token)
        parts = token.split(".")
        for i, part in enumerate(parts):
            write("diff_base64", part)
            decoded = b64url_decode(part)
            if decoded is None:
                continue
            if i == 0:
                write("header", decoded)
            elif i == 1:
                write("json_claims", decoded)
                write("diff_json", decoded)
    for key, text in raw_json():
        if key == "header_raw":
            write("header", text)
        else:
            write("json_claims", text)
            write("diff_json", text)
    # Claims shaped like the claim_types target's types, so it starts past the JSON layer.
    for text in [
        '{"a":"x","b":"y\\n","c":["p","q"],"d":{"k":1},"e":{"1":2},"f":{"true":1}}',
        '{"g":{"Admin":1},"h":"User","i8":-1,"u64":18446744073709551615,"f64":null}',
        '{"f32":1e39,"f64":1e400,"t":[1,true],"n":{"s":"z","v":[1,2],"deeper":[[1]]}}',
        '{"h":{"Tuple":[1,2]},"c1":"c","unit":null}', '{"1":2,"3":4}', '{"Admin":1}',
        '{"h":{"Struct":{"a":null}}}', '{"h":{"Newtype":"\\u00e9"}}',
    ]:
        write("claim_types", text)
    for value in ["bearer  a.b.c", "Basic dXNlcjpwYXNz", "Bearer", "BEARER a==", " \tBearer x~+/= ",
                  "Bearer a b", "Bearer\ta"]:
        write("bearer", value)

    fixtures = ROOT / "tests" / "fixtures"
    for path in sorted(fixtures.rglob("*")):
        if path.suffix == ".pem":
            text = path.read_text()
            write("pem", text)
            body = "".join(l for l in text.strip().splitlines() if not l.startswith("-----"))
            try:
                write("der", base64.b64decode(body, validate=True))
            except ValueError:
                pass
        elif path.suffix == ".der":
            write("der", path.read_bytes())
        elif path.name.endswith(".json") and ("jwk" in path.name or "jwks" in path.name):
            text = path.read_text()
            doc = json.loads(text)
            if "keys" in doc:
                write("jwks", text)
                for key in doc["keys"]:
                    write("jwk", json.dumps(key))
            else:
                write("jwk", text)
                write("jwks", json.dumps({"keys": [doc]}))
    rfc = json.loads((ROOT / "tests/vectors/rfc8037.json").read_text())["rfc8037"]
    for name in ("A.1_private_key_jwk", "A.2_public_key_jwk"):
        write("jwk", json.dumps(rfc[name]))
        write("jwks", json.dumps({"keys": [rfc[name]]}))
    write("diff_base64", rfc["A.2_public_key_jwk"]["x"])

    counts = {d.name: len(list(d.iterdir())) for d in sorted(CORPUS.iterdir()) if d.is_dir()}
    print("corpus entries:", ", ".join(f"{k} {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
