//! The native crate's exact outcome for every case the WebAssembly module is tested on.
//!
//! Runs `edjwt` itself (not this crate's ABI) over the RFC 8037, attack-corpus and interop
//! vectors under the configurations below, and compares with `edge/test/expected_native.json`,
//! which `edge/test/vectors.test.mjs` replays through the `.wasm` module and
//! `tests/abi.rs` through the ABI functions on the host. After a deliberate change in the
//! core, regenerate it with
//!
//! ```sh
//! EDJWT_BLESS=1 cargo test -p edjwt-edge --test native_codes
//! EDJWT_BLESS=1 cargo test -p edjwt-edge --test native_codes --features dalek
//! ```
//!
//! Tokens are referenced by id in their vector file (`source`), never copied.

use std::fmt::Write as _;

use base64ct::{Base64UrlUnpadded, Encoding};
use edjwt::{Error, KeySet, Limits, Policy, Verifier};
use edjwt_edge::reason;
use edjwt_edge::state::{BUFFER_CAP, MAX_KEYS};
use serde_json::{json, Value};

const ATTACKS: &str = include_str!("../../tests/vectors/jwt_attacks.json");
const INTEROP: &str = include_str!("../../tests/fixtures/interop/tokens.json");
const RFC8037: &str = include_str!("../../tests/vectors/rfc8037.json");
const SPECCHECK: &str = include_str!("../../tests/vectors/ed25519-speccheck/cases.json");
/// The outcomes differ between backends in one documented place (the mixed-order `R` of
/// "Taming the many EdDSAs": ed25519-compact's cofactored check accepts it), so each
/// backend has its own file.
#[cfg(not(feature = "dalek"))]
const EXPECTED_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/test/expected_native.json");
#[cfg(feature = "dalek")]
const EXPECTED_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/test/expected_native.dalek.json"
);
#[cfg(not(feature = "dalek"))]
const BACKEND: &str = "ed25519-compact";
#[cfg(feature = "dalek")]
const BACKEND: &str = "ed25519-dalek";

/// The attack corpus's one trusted key (RFC 8037 A.2) with its `kid`.
const RFC8037_JWK_KID: &str = r#"{"kty":"OKP","crv":"Ed25519","kid":"rfc8037","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
/// RFC 8037 A.2 as printed.
const RFC8037_JWK: &str =
    r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;

/// A policy, in the shape of the JS wrapper's `setPolicy` options.
#[derive(Clone, Default)]
struct Spec {
    issuer: Vec<&'static str>,
    audience: Vec<&'static str>,
    subject: Option<&'static str>,
    typ: Option<&'static str>,
    require_claims: Vec<&'static str>,
    leeway: Option<u64>,
    max_age: Option<u64>,
    allow_missing_exp: bool,
    any_audience: bool,
    max_token_len: Option<usize>,
    max_header_len: Option<usize>,
}

impl Spec {
    /// The corpus and interop context: issuer, audience, leeway 60 s.
    fn context() -> Spec {
        Spec {
            issuer: vec!["https://issuer.example"],
            audience: vec!["api"],
            leeway: Some(60),
            ..Spec::default()
        }
    }

    fn policy(&self) -> Policy<'_> {
        let mut p = Policy::new();
        if let Some(leeway) = self.leeway {
            p = p.leeway(leeway);
        }
        p = p.limits(Limits {
            max_token_len: self.max_token_len.unwrap_or(edjwt::DEFAULT_MAX_TOKEN_LEN),
            max_header_len: self.max_header_len.unwrap_or(edjwt::DEFAULT_MAX_HEADER_LEN),
        });
        if !self.issuer.is_empty() {
            p = p.issuers(&self.issuer);
        }
        if !self.audience.is_empty() {
            p = p.audiences(&self.audience);
        }
        if !self.require_claims.is_empty() {
            p = p.require_claims(&self.require_claims);
        }
        if let Some(sub) = self.subject {
            p = p.subject(sub);
        }
        if let Some(typ) = self.typ {
            p = p.typ(typ);
        }
        if let Some(max_age) = self.max_age {
            p = p.max_age(max_age);
        }
        if self.allow_missing_exp {
            p = p.allow_missing_exp();
        }
        if self.any_audience {
            p = p.any_audience();
        }
        p
    }

    fn to_json(&self) -> Value {
        let mut v = json!({});
        if !self.issuer.is_empty() {
            v["issuer"] = json!(self.issuer);
        }
        if !self.audience.is_empty() {
            v["audience"] = json!(self.audience);
        }
        if let Some(s) = self.subject {
            v["subject"] = json!(s);
        }
        if let Some(s) = self.typ {
            v["typ"] = json!(s);
        }
        if !self.require_claims.is_empty() {
            v["requireClaims"] = json!(self.require_claims);
        }
        if let Some(n) = self.leeway {
            v["leeway"] = json!(n);
        }
        if let Some(n) = self.max_age {
            v["maxAge"] = json!(n);
        }
        if self.allow_missing_exp {
            v["allowMissingExp"] = json!(true);
        }
        if self.any_audience {
            v["anyAudience"] = json!(true);
        }
        if let Some(n) = self.max_token_len {
            v["maxTokenLen"] = json!(n);
        }
        if let Some(n) = self.max_header_len {
            v["maxHeaderLen"] = json!(n);
        }
        v
    }
}

/// Where a group's tokens come from.
#[derive(Clone, Copy)]
enum Source {
    Attacks,
    Interop,
    Rfc8037,
}

impl Source {
    fn path(self) -> &'static str {
        match self {
            Source::Attacks => "tests/vectors/jwt_attacks.json",
            Source::Interop => "tests/fixtures/interop/tokens.json",
            Source::Rfc8037 => "tests/vectors/rfc8037.json",
        }
    }

    /// `(id, token)` of every case with a token, in file order.
    fn tokens(self) -> Vec<(String, String)> {
        let parse = |text: &str| serde_json::from_str::<Value>(text).unwrap();
        match self {
            Source::Attacks | Source::Interop => {
                let v = parse(if matches!(self, Source::Attacks) {
                    ATTACKS
                } else {
                    INTEROP
                });
                v["cases"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|c| {
                        Some((
                            c["id"].as_str()?.to_string(),
                            c["token"].as_str()?.to_string(),
                        ))
                    })
                    .collect()
            }
            Source::Rfc8037 => {
                let v = parse(RFC8037);
                vec![(
                    "A.4".to_string(),
                    v["rfc8037"]["A.4_compact_jws"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                )]
            }
        }
    }
}

fn token_of(tokens: &[(String, String)], id: &str) -> String {
    tokens
        .iter()
        .find(|(i, _)| i == id)
        .unwrap_or_else(|| panic!("no token {id}"))
        .1
        .clone()
}

/// One input to verify: a token by id, or an `Authorization` value (`None`: no header)
/// whose `{token}` is replaced by the token with that id.
struct Case {
    name: String,
    token: Option<String>,
    authorization: Option<Option<String>>,
}

impl Case {
    fn token(id: &str) -> Case {
        Case {
            name: id.to_string(),
            token: Some(id.to_string()),
            authorization: None,
        }
    }

    fn header(name: &str, token: Option<&str>, value: Option<&str>) -> Case {
        Case {
            name: name.to_string(),
            token: token.map(str::to_string),
            authorization: Some(value.map(str::to_string)),
        }
    }
}

fn code(result: Result<(), Error>) -> &'static str {
    match result {
        Ok(()) => "ok",
        Err(e) => e.code(),
    }
}

fn number(result: Result<(), Error>) -> u32 {
    match result {
        Ok(()) => reason::OK,
        Err(e) => reason::number(e),
    }
}

/// Runs a group natively and returns its JSON (config and one object per case).
fn group(
    name: &str,
    source: Source,
    keys: &[&str],
    spec: &Spec,
    now: u64,
    cases: &[Case],
) -> Value {
    let mut set = KeySet::<MAX_KEYS>::new();
    for text in keys {
        set.add_text(text).unwrap();
    }
    let policy = spec.policy();
    let verifier = Verifier::new(&set, policy);
    let tokens = source.tokens();
    let mut out = Vec::new();
    for case in cases {
        let token = case.token.as_deref().map(|id| token_of(&tokens, id));
        let mut buf = vec![0u8; BUFFER_CAP];
        let result = match &case.authorization {
            None => verifier.verify(token.as_deref().unwrap(), now, &mut buf),
            Some(template) => {
                let value = template
                    .as_deref()
                    .map(|t| t.replace("{token}", token.as_deref().unwrap_or("")));
                verifier.verify_authorization(value.as_deref(), now, &mut buf)
            }
        };
        let mut entry = json!({ "name": case.name });
        if let Some(id) = &case.token {
            if *id != case.name {
                entry["token"] = json!(id);
            }
        }
        if let Some(template) = &case.authorization {
            entry["authorization"] = json!(template);
        }
        let outcome = result.as_ref().map(|_| ()).map_err(|e| *e);
        entry["code"] = json!(code(outcome));
        entry["reason"] = json!(number(outcome));
        if let Ok(verified) = &result {
            if let Some(sub) = verified.claims().subject() {
                let mut sub_buf = vec![0u8; BUFFER_CAP];
                entry["sub"] = json!(sub.unescape_into(&mut sub_buf).unwrap());
            }
            entry["keyIndex"] = json!(verified.key_index());
        }
        out.push(entry);
    }
    json!({
        "name": name,
        "source": source.path(),
        "keys": keys,
        "policy": spec.to_json(),
        "now": now,
        "cases": out,
    })
}

fn attack_ids() -> Vec<String> {
    Source::Attacks
        .tokens()
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

/// Tokens that exercise the policy: valid ones, and each claim the policy looks at.
const POLICY_PROBES: &[&str] = &[
    "ok_basic",
    "ok_no_kid",
    "ok_unknown_claims",
    "typ_unexpected",
    "exp_missing",
    "exp_within_leeway",
    "nbf_within_leeway",
    "pl_empty_object",
    "aud_missing",
    "aud_array_match",
    "aud_array_no_match",
    "iss_mismatch",
    "sub_nul_escape",
    "sub_surrogate_pair",
    "kid_long_4096",
    "aud_array_1000",
];

fn policy_groups() -> Vec<Value> {
    let probes: Vec<Case> = POLICY_PROBES.iter().map(|id| Case::token(id)).collect();
    let ctx = Spec::context();
    let variants: Vec<(&str, Spec)> = vec![
        (
            "policy-typ-jwt",
            Spec {
                typ: Some("JWT"),
                ..ctx.clone()
            },
        ),
        (
            "policy-allow-missing-exp",
            Spec {
                allow_missing_exp: true,
                ..ctx.clone()
            },
        ),
        (
            "policy-bare-allow-missing-exp",
            Spec {
                allow_missing_exp: true,
                ..Spec::default()
            },
        ),
        ("policy-default", Spec::default()),
        (
            "policy-any-audience",
            Spec {
                any_audience: true,
                ..Spec::default()
            },
        ),
        (
            "policy-issuer-only",
            Spec {
                issuer: vec!["https://issuer.example"],
                ..Spec::default()
            },
        ),
        (
            "policy-subject-alice",
            Spec {
                subject: Some("alice"),
                ..ctx.clone()
            },
        ),
        (
            "policy-subject-bob",
            Spec {
                subject: Some("bob"),
                ..ctx.clone()
            },
        ),
        (
            "policy-any-of",
            Spec {
                issuer: vec!["https://other.example", "https://issuer.example"],
                audience: vec!["web", "api", "admin"],
                ..ctx.clone()
            },
        ),
        (
            "policy-no-accepted-audience",
            Spec {
                audience: vec!["web"],
                ..ctx.clone()
            },
        ),
        (
            "policy-require-claims",
            Spec {
                require_claims: vec!["sub", "iat"],
                ..ctx.clone()
            },
        ),
        (
            "policy-require-missing-claim",
            Spec {
                require_claims: vec!["prefix"],
                ..ctx.clone()
            },
        ),
        (
            "policy-max-age-50",
            Spec {
                max_age: Some(50),
                leeway: Some(0),
                ..ctx.clone()
            },
        ),
        (
            "policy-max-age-1000",
            Spec {
                max_age: Some(1000),
                ..ctx.clone()
            },
        ),
        (
            "policy-leeway-0",
            Spec {
                leeway: Some(0),
                ..ctx.clone()
            },
        ),
        (
            "policy-leeway-huge",
            Spec {
                leeway: Some(9_007_199_254_740_991), // 2^53 - 1: JSON numbers reach JS exactly
                ..ctx.clone()
            },
        ),
        (
            "policy-small-limits",
            Spec {
                max_token_len: Some(400),
                max_header_len: Some(60),
                ..ctx.clone()
            },
        ),
        (
            "policy-big-limits",
            Spec {
                max_token_len: Some(BUFFER_CAP),
                max_header_len: Some(BUFFER_CAP),
                ..ctx.clone()
            },
        ),
    ];
    variants
        .into_iter()
        .map(|(name, spec)| {
            group(
                name,
                Source::Attacks,
                &[RFC8037_JWK_KID],
                &spec,
                1_700_000_100,
                &probes,
            )
        })
        .collect()
}

fn bearer_cases() -> Vec<Case> {
    let mut cases: Vec<Case> = attack_ids()
        .iter()
        .map(|id| Case::header(&format!("bearer:{id}"), Some(id), Some("Bearer {token}")))
        .collect();
    let ok = Some("ok_basic");
    for (name, token, value) in [
        ("absent", None, None),
        ("empty", None, Some("")),
        ("spaces", None, Some("  \t ")),
        ("scheme-only", None, Some("Bearer")),
        ("scheme-space", None, Some("Bearer ")),
        ("basic", None, Some("Basic dXNlcjpwYXNz")),
        ("token-scheme", ok, Some("Token {token}")),
        ("lowercase-scheme", ok, Some("bearer {token}")),
        ("uppercase-scheme", ok, Some("BEARER {token}")),
        ("two-spaces", ok, Some("Bearer  {token}")),
        ("tab", ok, Some("Bearer\t{token}")),
        ("surrounding-whitespace", ok, Some("\t Bearer {token} \t")),
        ("trailing-garbage", ok, Some("Bearer {token} x")),
        ("trailing-equals", ok, Some("Bearer {token}=")),
        ("comma", ok, Some("Bearer {token},")),
        ("no-space", ok, Some("Bearer{token}")),
    ] {
        cases.push(Case::header(name, token, value));
    }
    cases
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn jwk_of_hex(hex_key: &str) -> String {
    let mut buf = [0u8; 64];
    let x = Base64UrlUnpadded::encode(&hex(hex_key), &mut buf).unwrap();
    format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}"}}"#)
}

/// Key texts loaded one after the other into one set: the code of each and the final
/// count (a failed load adds nothing).
fn key_group(name: &str, texts: &[String]) -> Value {
    let mut set = KeySet::<MAX_KEYS>::new();
    let codes: Vec<Value> = texts
        .iter()
        .map(|t| {
            let result = set.add_text(t).map(|_| ());
            json!({ "code": code(result), "reason": number(result) })
        })
        .collect();
    json!({ "name": name, "texts": texts, "results": codes, "count": set.len() })
}

fn key_groups() -> Vec<Value> {
    let fixture = |name: &str| -> String {
        let path = format!("{}/../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let rfc: Value = serde_json::from_str(RFC8037).unwrap();
    let derived = &rfc["derived_not_from_rfc"];
    let mut singles: Vec<(String, String)> = vec![
        ("rfc8037-a2-jwk".into(), RFC8037_JWK.into()),
        ("rfc8037-a2-jwk-kid".into(), RFC8037_JWK_KID.into()),
        (
            "rfc8037-a1-private-jwk".into(),
            r#"{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#.into(),
        ),
        (
            "rfc8037-spki-pem".into(),
            derived["public_key_spki_pem"].as_str().unwrap().into(),
        ),
        (
            "rfc8037-pkcs8-pem".into(),
            derived["private_key_pkcs8_pem"].as_str().unwrap().into(),
        ),
    ];
    for file in [
        "interop/jwks.json",
        "interop/key1.jwk.json",
        "interop/key1.private.jwk.json",
        "interop/key1.public.pem",
        "interop/key1.private.pem",
        "interop/key2.public.pem",
        "keys/ed448.public.pem",
        "keys/jwk_private.json",
        "keys/jwk_wrong_kty.json",
        "keys/noncanonical.public.pem",
        "keys/noncanonical_not_small_order.public.pem",
        "keys/rsa.public.pem",
        "keys/small_order.public.pem",
        "keys/x25519.public.pem",
    ] {
        singles.push((file.into(), fixture(file)));
    }
    let attacks: Value = serde_json::from_str(ATTACKS).unwrap();
    // Sorted by name: the map's own order depends on serde_json's `preserve_order` feature,
    // which another workspace member turns on.
    let mut special: Vec<_> = attacks["special_public_keys_hex"]
        .as_object()
        .unwrap()
        .iter()
        .collect();
    special.sort_by(|a, b| a.0.cmp(b.0));
    for (name, hex_key) in special {
        singles.push((
            format!("special-{name}"),
            jwk_of_hex(hex_key.as_str().unwrap()),
        ));
    }
    let speccheck: Value = serde_json::from_str(SPECCHECK).unwrap();
    let mut seen = Vec::new();
    for case in speccheck.as_array().unwrap() {
        let key = case["pub_key"].as_str().unwrap();
        if !seen.contains(&key) {
            seen.push(key);
            singles.push((format!("speccheck-{}", &key[..8]), jwk_of_hex(key)));
        }
    }
    for (name, text) in [
        ("empty", ""),
        ("garbage", "hello"),
        ("empty-object", "{}"),
        ("array", "[]"),
        ("jwks-empty", r#"{"keys":[]}"#),
        ("jwks-not-array", r#"{"keys":1}"#),
        ("jwks-non-object", r#"{"keys":[1]}"#),
        (
            "jwks-only-rsa",
            r#"{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}"#,
        ),
        (
            "jwks-enc-use",
            r#"{"keys":[{"kty":"OKP","crv":"Ed25519","use":"enc","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#,
        ),
        (
            "jwk-duplicate-x",
            r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#,
        ),
        (
            "pem-garbage-body",
            "-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n",
        ),
        ("pem-no-end", "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"),
        (
            "leading-whitespace-pem",
            "\n  -----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n",
        ),
    ] {
        singles.push((name.into(), text.into()));
    }
    let mut groups: Vec<Value> = singles
        .iter()
        .map(|(name, text)| key_group(name, std::slice::from_ref(text)))
        .collect();
    // Sequences: rotation with several forms, a failure in the middle, a full set.
    let jwks = fixture("interop/jwks.json");
    let pem1 = fixture("interop/key1.public.pem");
    let private = fixture("interop/key1.private.pem");
    groups.push(key_group(
        "sequence-mixed",
        &[jwks.clone(), private, pem1, RFC8037_JWK_KID.into()],
    ));
    let mut many = String::from(r#"{"keys":["#);
    for i in 0..=MAX_KEYS {
        if i > 0 {
            many.push(',');
        }
        let _ = write!(
            many,
            r#"{{"kty":"OKP","crv":"Ed25519","kid":"k{i}","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}}"#
        );
    }
    many.push_str("]}");
    groups.push(key_group("jwks-one-too-many", &[many]));
    let fill: Vec<String> = std::iter::repeat_n(RFC8037_JWK.to_string(), MAX_KEYS + 1).collect();
    groups.push(key_group("fill-one-by-one", &fill));
    groups.push(key_group("jwks-after-keys", &[RFC8037_JWK.into(), jwks]));
    groups
}

fn generate() -> &'static Value {
    static GENERATED: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    GENERATED.get_or_init(generate_now)
}

fn generate_now() -> Value {
    let interop_now = serde_json::from_str::<Value>(INTEROP).unwrap()["now"]
        .as_u64()
        .unwrap();
    let jwks = include_str!("../../tests/fixtures/interop/jwks.json");
    let pem1 = include_str!("../../tests/fixtures/interop/key1.public.pem");
    let pem2 = include_str!("../../tests/fixtures/interop/key2.public.pem");
    let interop_cases: Vec<Case> = Source::Interop
        .tokens()
        .iter()
        .map(|(id, _)| Case::token(id))
        .collect();
    let mut groups = vec![
        group(
            "rfc8037-a4",
            Source::Rfc8037,
            &[RFC8037_JWK],
            &Spec::default(),
            0,
            &[Case::token("A.4")],
        ),
        group(
            "attacks",
            Source::Attacks,
            &[RFC8037_JWK_KID],
            &Spec::context(),
            1_700_000_100,
            &attack_ids()
                .iter()
                .map(|id| Case::token(id))
                .collect::<Vec<_>>(),
        ),
        group(
            "attacks-bearer",
            Source::Attacks,
            &[RFC8037_JWK_KID],
            &Spec::context(),
            1_700_000_100,
            &bearer_cases(),
        ),
        group(
            "interop-jwks",
            Source::Interop,
            &[jwks],
            &Spec::context(),
            interop_now,
            &interop_cases,
        ),
        group(
            "interop-pem-without-kid",
            Source::Interop,
            &[pem1, pem2],
            &Spec::context(),
            interop_now,
            &interop_cases,
        ),
        group(
            "no-keys",
            Source::Attacks,
            &[],
            &Spec::context(),
            1_700_000_100,
            &[Case::token("ok_basic"), Case::token("ok_no_kid")],
        ),
    ];
    groups.extend(policy_groups());
    json!({
        "_about": "Outcome of the native edjwt crate for each case; generated by edge/tests/native_codes.rs (EDJWT_BLESS=1 cargo test -p edjwt-edge --test native_codes [--features dalek]) for the backend named here. Tokens are referenced by id in `source` (relative to the repository root); an `authorization` case verifies that header value (`null`: no header) with `{token}` replaced by the token. `challenges`: the core's `WWW-Authenticate` value for each code, which the module must reproduce.",
        "backend": BACKEND,
        "reasons": reasons_table(),
        "challenges": challenges_table(),
        "groups": groups,
        "keys": key_groups(),
    })
}

fn reasons_table() -> Value {
    let mut table = serde_json::Map::new();
    for &e in Error::ALL {
        table.insert(e.code().to_string(), json!(reason::number(e)));
    }
    Value::Object(table)
}

/// The RFC 6750 challenge the core gives for each code (`Error::www_authenticate`), which
/// the module builds at run time and must reproduce byte for byte.
fn challenges_table() -> Value {
    let mut table = serde_json::Map::new();
    for &e in Error::ALL {
        table.insert(e.code().to_string(), json!(e.www_authenticate()));
    }
    Value::Object(table)
}

/// The JSON as committed: one case per line, so that a change shows as a small diff.
fn render(v: &Value) -> String {
    let mut out = String::from("{\n");
    let _ = writeln!(out, "  \"_about\": {},", v["_about"]);
    let _ = writeln!(out, "  \"backend\": {},", v["backend"]);
    let _ = writeln!(out, "  \"reasons\": {},", v["reasons"]);
    let _ = writeln!(out, "  \"challenges\": {},", v["challenges"]);
    out.push_str("  \"groups\": [\n");
    let groups = v["groups"].as_array().unwrap();
    for (i, g) in groups.iter().enumerate() {
        out.push_str("    {\n");
        for field in ["name", "source", "keys", "policy", "now"] {
            let _ = writeln!(out, "      \"{field}\": {},", g[field]);
        }
        out.push_str("      \"cases\": [\n");
        let cases = g["cases"].as_array().unwrap();
        for (j, c) in cases.iter().enumerate() {
            let comma = if j + 1 < cases.len() { "," } else { "" };
            let _ = writeln!(out, "        {c}{comma}");
        }
        let comma = if i + 1 < groups.len() { "," } else { "" };
        let _ = writeln!(out, "      ]\n    }}{comma}");
    }
    out.push_str("  ],\n  \"keys\": [\n");
    let keys = v["keys"].as_array().unwrap();
    for (i, k) in keys.iter().enumerate() {
        let comma = if i + 1 < keys.len() { "," } else { "" };
        let _ = writeln!(out, "    {k}{comma}");
    }
    out.push_str("  ]\n}\n");
    out
}

/// The value with every object's members in sorted order: `serde_json`'s `preserve_order`
/// feature (turned on in a workspace build by another member) would otherwise make the
/// comparison depend on member order.
fn canonical(v: &Value) -> String {
    match v {
        Value::Object(map) => {
            let sorted: std::collections::BTreeMap<&String, String> =
                map.iter().map(|(k, v)| (k, canonical(v))).collect();
            let members: Vec<String> = sorted.iter().map(|(k, v)| format!("{k:?}:{v}")).collect();
            format!("{{{}}}", members.join(","))
        }
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

#[test]
fn expected_native_json_is_current() {
    let generated = generate();
    let rendered = render(generated);
    // The rendering is valid JSON with the same content.
    assert_eq!(
        canonical(&serde_json::from_str::<Value>(&rendered).unwrap()),
        canonical(generated)
    );
    if std::env::var_os("EDJWT_BLESS").is_some() {
        std::fs::write(EXPECTED_PATH, &rendered).unwrap();
        return;
    }
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(EXPECTED_PATH)
            .expect("edge/test/expected_native.json missing: run with EDJWT_BLESS=1"),
    )
    .unwrap();
    assert!(
        canonical(&committed) == canonical(generated),
        "{EXPECTED_PATH} is stale: the native crate now answers differently. Review, then \
         regenerate with EDJWT_BLESS=1 cargo test -p edjwt-edge --test native_codes"
    );
}

#[test]
fn the_corpus_groups_agree_with_the_core_tests() {
    // Spot checks against tests/jwt_attacks.rs and tests/interop.rs, so that a bug here
    // cannot make the module and this file agree on something wrong.
    let v = generate();
    let find = |group: &str, name: &str| -> String {
        let g = v["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == group)
            .unwrap();
        g["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()["code"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(find("attacks", "ok_basic"), "ok");
    assert_eq!(
        find("attacks", "alg_none_empty_sig"),
        "unsupported-algorithm"
    );
    assert_eq!(find("attacks", "sig_S_eq_L"), "bad-signature");
    assert_eq!(find("attacks", "exp_expired"), "expired");
    assert_eq!(find("attacks", "kid_long_4096"), "header-too-large");
    assert_eq!(find("attacks-bearer", "absent"), "missing-token");
    assert_eq!(find("attacks-bearer", "basic"), "missing-token");
    assert_eq!(find("attacks-bearer", "trailing-garbage"), "malformed");
    assert_eq!(find("interop-jwks", "pyjwt_unknown_kid"), "unknown-key");
    assert_eq!(find("interop-pem-without-kid", "pyjwt_unknown_kid"), "ok");
    assert_eq!(find("rfc8037-a4", "A.4"), "malformed");
    assert_eq!(find("policy-typ-jwt", "typ_unexpected"), "wrong-type");
    // RFC 7519 §4.1.3: `aud` present and no audience configured.
    assert_eq!(find("policy-default", "ok_basic"), "wrong-audience");
    assert_eq!(find("policy-default", "aud_missing"), "ok");
    assert_eq!(find("policy-any-audience", "ok_basic"), "ok");
    assert_eq!(find("policy-any-audience", "aud_array_no_match"), "ok");
    assert_eq!(
        find("policy-bare-allow-missing-exp", "pl_empty_object"),
        "ok"
    );
    let interop: Value = serde_json::from_str(INTEROP).unwrap();
    for case in interop["cases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        assert_eq!(
            find("interop-jwks", id),
            case["expect"].as_str().unwrap(),
            "{id}"
        );
    }
}
