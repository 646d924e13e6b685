//! Writes (with `EDJWT_BLESS=1`) or checks `tests/c/vectors.tsv`, the shared vectors in a
//! line format a C program reads without a JSON parser:
//!
//! ```text
//! context <TAB> id <TAB> expected reason code <TAB> token
//! ```
//!
//! The expected code may list alternatives, `ok|bad-signature`, where the outcome depends on
//! the core's signature backend (one corpus case, see `tests/jwt_attacks.rs`).
//!
//! A token with a byte outside printable ASCII (space, newline, `é`) is written `hex:` and
//! its bytes in hex. Sources, and where each expectation comes from:
//!
//! - `interop`: the 32 PyJWT / node `jose` / PHP-style tokens of
//!   `tests/fixtures/interop/tokens.json`, with the `expect` written there by the minting
//!   script (cross-checked against PyJWT's and jose's own verifiers).
//! - `attacks`: the attack corpus `tests/vectors/jwt_attacks.json`, with the exact reason
//!   the core pins for each case in `tests/jwt_attacks.rs` (its `EXPECTED` table, parsed
//!   here), checked against the corpus's own accept/reject.
//! - `rfc8037`: the RFC 8037 Appendix A.4 JWS (`tests/vectors/rfc8037.json`): a valid
//!   signature over a payload that is not JSON, so `malformed` as a JWT.
//! - a few tokens under other policies (`interop-prefix`, `attacks-typ`, `attacks-no-exp`),
//!   with the outcomes `tests/jwt_attacks.rs` asserts for those configurations.
//!
//! Contexts (the C test and `tests/abi.rs` build these verifiers): `interop*` trust
//! `tests/fixtures/interop/jwks.json`, `attacks*` and `rfc8037` the RFC 8037 key as a JWK
//! with kid `rfc8037`; all expect iss `https://issuer.example`, aud `api`, leeway 60 s,
//! `exp` required, now 1700000100, plus: `interop-prefix` requires a `prefix` claim,
//! `attacks-typ` expects `typ` JWT, `attacks-no-exp` allows a missing `exp`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(root().join(relative)).unwrap()
}

fn json(relative: &str) -> serde_json::Value {
    serde_json::from_str(&read(relative)).unwrap()
}

/// `(id, code)` from the `EXPECTED` table of `tests/jwt_attacks.rs`: entries
/// `("id", ACCEPT)`, `("id", Err(Error::Variant))`, possibly over several lines, or
/// `("id", NAME)` with a `const NAME` whose outcome depends on the signature backend (the
/// codes of every branch, joined with `|`: either is correct).
fn pinned_attack_outcomes() -> Vec<(String, String)> {
    let source = read("tests/jwt_attacks.rs");
    let start = source.find("const EXPECTED").expect("EXPECTED table");
    let end = start + source[start..].find("\n];").expect("end of EXPECTED");
    let table: String = source[start..end]
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .flat_map(str::split_whitespace)
        .collect();
    let mut out = Vec::new();
    for entry in table.split("(\"").skip(1) {
        let (id, rest) = entry.split_once("\",").unwrap();
        let outcome = rest.trim_end_matches([',', ')']);
        let outcome = outcome.strip_suffix("),").unwrap_or(outcome);
        let codes = if outcome.starts_with("ACCEPT") || outcome.starts_with("Err(") {
            outcomes(outcome)
        } else {
            // A named constant: every outcome in its definition.
            let name = outcome
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .next()
                .unwrap();
            let def = source
                .find(&format!("const {name}:"))
                .unwrap_or_else(|| panic!("{id}: no const {name}"));
            let body = &source[def..def + source[def..].find("};").unwrap()];
            outcomes(body.split_once('=').unwrap().1)
        };
        assert!(!codes.is_empty(), "{id}: cannot read {rest}");
        out.push((id.to_owned(), codes.join("|")));
    }
    out
}

/// The codes named in `text` (`ACCEPT` is `ok`), in order of appearance.
fn outcomes(text: &str) -> Vec<String> {
    let mut codes = Vec::new();
    let mut rest = text;
    loop {
        let accept = rest.find("ACCEPT");
        let err = rest.find("Error::");
        match (accept, err) {
            (Some(a), e) if e.is_none_or(|e| a < e) => {
                codes.push("ok".to_owned());
                rest = &rest[a + "ACCEPT".len()..];
            }
            (_, Some(e)) => {
                let after = &rest[e + "Error::".len()..];
                let variant: String = after
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect();
                let code = edjwt::Error::ALL
                    .iter()
                    .find(|x| format!("{x:?}") == variant)
                    .unwrap_or_else(|| panic!("no Error::{variant}"))
                    .code();
                codes.push(code.to_owned());
                rest = &after[variant.len()..];
            }
            _ => return codes,
        }
    }
}

fn encode(token: &str) -> String {
    if token.bytes().all(|b| b.is_ascii_graphic()) {
        token.to_owned()
    } else {
        let mut hex = String::from("hex:");
        for b in token.bytes() {
            write!(hex, "{b:02x}").unwrap();
        }
        hex
    }
}

fn generate() -> String {
    let mut out = String::from(
        "# Generated by capi/tests/vectors.rs (EDJWT_BLESS=1 cargo test -p edjwt-capi --test vectors).\n\
         # context<TAB>id<TAB>expected reason code<TAB>token (or hex:<bytes>); contexts in vectors.rs.\n",
    );
    let mut line = |context: &str, id: &str, expect: &str, token: &str| {
        writeln!(out, "{context}\t{id}\t{expect}\t{}", encode(token)).unwrap();
    };

    let interop = json("tests/fixtures/interop/tokens.json");
    assert_eq!(interop["now"], 1_700_000_100);
    let interop = interop["cases"].as_array().unwrap();
    for case in interop {
        line(
            "interop",
            case["id"].as_str().unwrap(),
            case["expect"].as_str().unwrap(),
            case["token"].as_str().unwrap(),
        );
    }

    let corpus = json("tests/vectors/jwt_attacks.json");
    assert_eq!(corpus["context"]["now"], 1_700_000_100);
    let pinned = pinned_attack_outcomes();
    let cases = corpus["cases"].as_array().unwrap();
    let token_of = |id: &str| {
        cases.iter().find(|c| c["id"] == id).unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let mut attacks = 0;
    for case in cases {
        let Some(token) = case["token"].as_str() else {
            continue;
        };
        let id = case["id"].as_str().unwrap();
        let code = &pinned
            .iter()
            .find(|(p, _)| p == id)
            .unwrap_or_else(|| panic!("{id} not pinned in tests/jwt_attacks.rs"))
            .1;
        let class = case["expected"].as_str().unwrap();
        let accepts = code.split('|').any(|c| c == "ok");
        match class {
            "accept" | "accept_if_single_key" | "expose_exactly" => assert_eq!(code, "ok", "{id}"),
            "reject"
            | "reject_policy"
            | "reject_as_jwt"
            | "reject_if_exp_required"
            | "reject_if_aud_required" => assert!(!accepts, "{id}"),
            _ => {}
        }
        line("attacks", id, code, token);
        attacks += 1;
    }
    assert_eq!(attacks, 176);

    let rfc8037 = json("tests/vectors/rfc8037.json");
    let a4 = rfc8037["rfc8037"]["A.4_compact_jws"].as_str().unwrap();
    assert_eq!(a4, token_of("rfc8037_a4_not_a_jwt"));
    line("rfc8037", "A.4_compact_jws", "malformed", a4);

    // Other policies (the outcomes tests/jwt_attacks.rs asserts for them).
    line(
        "attacks-typ",
        "typ_unexpected",
        "wrong-type",
        &token_of("typ_unexpected"),
    );
    line("attacks-typ", "ok_basic", "ok", &token_of("ok_basic"));
    line(
        "attacks-no-exp",
        "exp_missing",
        "ok",
        &token_of("exp_missing"),
    );
    line(
        "attacks-no-exp",
        "exp_expired",
        "expired",
        &token_of("exp_expired"),
    );
    let interop_token = |id: &str| {
        interop.iter().find(|c| c["id"] == id).unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    for (id, expect) in [
        ("pyjwt_basic", "ok"),
        ("jose_basic", "ok"),
        ("php_style_slash", "ok"),
        ("pyjwt_kid_key2", "missing-claim"),
        ("jose_no_kid", "missing-claim"),
        ("pyjwt_expired", "expired"),
    ] {
        line("interop-prefix", id, expect, &interop_token(id));
    }
    out
}

#[test]
fn vectors_tsv_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/c/vectors.tsv");
    let generated = generate();
    if std::env::var_os("EDJWT_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "capi/tests/c/vectors.tsv is stale: EDJWT_BLESS=1 cargo test -p edjwt-capi --test vectors"
    );
}
