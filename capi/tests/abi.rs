//! The C ABI called from Rust: the shared vectors, the result layout in scratch, every
//! argument check, key and policy errors, and zero allocations inside the library.

mod support;

use std::collections::BTreeMap;
use std::ffi::{c_char, CStr};
use std::mem::MaybeUninit;

use edjwt_c::*;
use support::{code, context, root_file, s, vectors, Owned, AUD, ISS, RFC8037_JWK, RFC8037_PEM};

// The core's counting allocator (one definition for both crates' zero-allocation tests).
#[path = "../../tests/common/counting.rs"]
mod counting;
use counting::{allocations, Counting};

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The bytes of a (pointer, length) pair of a result, checking the NUL after them.
fn nul_terminated<'a>(ptr: *const c_char, len: usize) -> &'a [u8] {
    assert!(!ptr.is_null());
    // SAFETY: the library promises `len` bytes and a NUL at `ptr`, inside live scratch.
    let with_nul = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len + 1) };
    assert_eq!(with_nul[len], 0);
    &with_nul[..len]
}

#[test]
fn shared_vectors_through_the_abi_without_allocating() {
    let vectors = vectors();
    assert_eq!(vectors.len(), 219);
    let mut verifiers = BTreeMap::new();
    for v in &vectors {
        verifiers
            .entry(v.context.clone())
            .or_insert_with(|| context(&v.context));
    }
    let (mut accepted, mut rejected) = (0, 0);
    for v in &vectors {
        let verifier = &verifiers[&v.context];
        let mut scratch = vec![0xA5u8; 2 * v.token.len()];
        let ((reason, result), allocated) = allocations(|| verifier.verify(&v.token, &mut scratch));
        assert_eq!(allocated, 0, "{}", v.id);
        assert_eq!(result.reason, reason);
        let got = code(reason);
        assert!(
            v.expect.contains(&got),
            "{} {}: {got}, want {:?}",
            v.context,
            v.id,
            v.expect
        );
        if reason != EDJWT_OK {
            assert_eq!(result.claims, std::ptr::null());
            assert_eq!(result.subject, std::ptr::null());
            assert_eq!(i32::from(result.http_status), edjwt_http_status(reason));
            assert_eq!(result.http_status, 401, "{}", v.id);
            rejected += 1;
            continue;
        }
        accepted += 1;
        assert_eq!(result.http_status, 200);
        let scratch_range = scratch.as_ptr_range();
        assert!(scratch_range.contains(&result.claims.cast::<u8>()));
        let claims = nul_terminated(result.claims, result.claims_len);
        // serde_json (without `arbitrary_precision`) refuses the corpus's `1e999999`.
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(claims) else {
            assert_eq!(v.id, "pl_huge_exponent_unknown_value");
            continue;
        };
        match json.get("exp") {
            Some(exp) => {
                assert_eq!(result.has_exp, 1);
                assert_eq!(result.exp, exp.as_f64().unwrap().floor() as u64, "{}", v.id);
            }
            None => assert_eq!((result.has_exp, result.exp), (0, 0)),
        }
        match json.get("sub").and_then(|s| s.as_str()) {
            Some(sub) => {
                assert!(scratch_range.contains(&result.subject.cast::<u8>()));
                assert_eq!(
                    nul_terminated(result.subject, result.subject_len),
                    sub.as_bytes()
                );
            }
            None => assert!(result.subject.is_null()),
        }
    }
    // 42 accepted and 176 rejected whatever the backend, plus the mixed-order case.
    assert_eq!(accepted + rejected, 219);
    assert!(matches!(accepted, 42 | 43), "{accepted}");
}

#[test]
fn results_for_known_tokens() {
    let tokens: serde_json::Value =
        serde_json::from_str(&root_file("tests/fixtures/interop/tokens.json")).unwrap();
    let token = |id: &str| {
        tokens["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()["token"]
            .as_str()
            .unwrap()
            .as_bytes()
            .to_vec()
    };
    let verifier = context("interop");
    let mut scratch = [0u8; 2 * 8192];
    let (reason, r) = verifier.verify(&token("pyjwt_basic"), &mut scratch);
    assert_eq!(reason, EDJWT_OK);
    assert_eq!(nul_terminated(r.subject, r.subject_len), b"alice");
    assert_eq!((r.has_exp, r.exp, r.key_index), (1, 1_700_003_600, 0));
    let claims = std::str::from_utf8(nul_terminated(r.claims, r.claims_len)).unwrap();
    assert!(claims.starts_with(r#"{"iss":"https://issuer.example","sub":"alice""#));
    assert!(claims.ends_with(r#""prefix":"projects/alpha/"}"#));
    // Rotation: the second key of the JWKS.
    let (_, r) = verifier.verify(&token("pyjwt_kid_key2"), &mut scratch);
    assert_eq!(r.key_index, 1);
    // PyJWT escapes non-ASCII: the subject comes out decoded.
    let (_, r) = verifier.verify(&token("pyjwt_unicode"), &mut scratch);
    assert_eq!(
        nul_terminated(r.subject, r.subject_len),
        "zoë 😀".as_bytes()
    );
    // A fractional exp rounds down.
    let (_, r) = verifier.verify(&token("pyjwt_float_exp"), &mut scratch);
    assert_eq!(r.exp, 1_700_003_600);
}

#[test]
fn authorization_values() {
    let verifier = context("attacks");
    let ok = support::vectors()
        .into_iter()
        .find(|v| v.id == "ok_basic")
        .unwrap()
        .token;
    let mut scratch = [0u8; 2 * 8192];
    let mut with =
        |value: Option<&[u8]>| code(verifier.verify_authorization(value, &mut scratch).0);
    assert_eq!(with(None), "missing-token");
    assert_eq!(with(Some(b"")), "missing-token");
    assert_eq!(with(Some(b"Basic dXNlcjpwYXNz")), "missing-token");
    assert_eq!(with(Some(b"Bearer")), "malformed");
    assert_eq!(with(Some(b"Bearer a b")), "malformed");
    assert_eq!(with(Some(b"Bearer \xff")), "malformed");
    assert_eq!(with(Some(&[b"Bearer ".as_slice(), &ok].concat())), "ok");
    assert_eq!(with(Some(&[b"bearer ".as_slice(), &ok].concat())), "ok");
    // One space exactly (RFC 6750 §2.1): a tab or a second space is not a bearer credential.
    assert_eq!(
        with(Some(&[b"bearer  ".as_slice(), &ok].concat())),
        "malformed"
    );
    assert_eq!(
        with(Some(&[b"Bearer\t".as_slice(), &ok].concat())),
        "malformed"
    );
}

#[test]
fn scratch_sizes() {
    let verifier = context("attacks");
    let token = support::vectors()
        .into_iter()
        .find(|v| v.id == "ok_basic")
        .unwrap()
        .token;
    // The token's length decodes; `sub` needs its length + 1 more.
    let mut exact = vec![0u8; token.len() + "alice".len() + 1];
    assert_eq!(verifier.verify(&token, &mut exact).0, EDJWT_OK);
    for len in [
        0,
        10,
        token.len() - 100,
        token.len(),
        token.len() + "alice".len(),
    ] {
        let mut small = vec![0u8; len];
        let (reason, r) = verifier.verify(&token, &mut small);
        assert_eq!(code(reason), "buffer-too-small", "{len}");
        assert_eq!(r.http_status, 500);
    }
}

#[test]
fn argument_checks() {
    let verifier = context("attacks");
    let token = b"abc.def.ghi";
    let mut scratch = [0u8; 64];
    let mut out = MaybeUninit::<EdjwtResult>::uninit();
    let call = |v: *const EdjwtVerifier,
                t: *const c_char,
                t_len: usize,
                sc: *mut u8,
                sc_len: usize,
                out: *mut EdjwtResult| {
        // SAFETY: each call below passes NULL or live memory of the given lengths (the
        // checks under test refuse the rest before touching it).
        unsafe { edjwt_verify(v, t, t_len, 0, sc, sc_len, out) }
    };
    let t = token.as_ptr().cast::<c_char>();
    let sc = scratch.as_mut_ptr();
    let o = out.as_mut_ptr();
    let v = verifier.as_ptr();
    assert_eq!(call(v, t, token.len(), sc, 64, o), 2); // malformed: the call works
    assert_eq!(call(std::ptr::null(), t, token.len(), sc, 64, o), 201);
    assert_eq!(call(v, std::ptr::null(), 5, sc, 64, o), 201);
    assert_eq!(call(v, std::ptr::null(), 0, sc, 64, o), 2); // empty token: malformed
    assert_eq!(call(v, t, token.len(), std::ptr::null_mut(), 64, o), 201);
    // SAFETY: writes the out struct, checked below.
    assert_eq!(unsafe { o.read() }.reason, 201);
    assert_eq!(call(v, t, token.len(), sc, 64, std::ptr::null_mut()), 2);
    // Overlaps: scratch over the token, out over scratch, scratch over the verifier.
    let mut shared = [0u8; 256];
    shared[..token.len()].copy_from_slice(token);
    let base = shared.as_mut_ptr();
    assert_eq!(call(v, base.cast(), token.len(), base, 256, o), 201);
    let mut aligned = [0u64; 32];
    let abase = aligned.as_mut_ptr().cast::<u8>();
    assert_eq!(call(v, t, token.len(), abase, 256, abase.cast()), 201);
    assert_eq!(call(v, t, token.len(), v.cast_mut().cast(), 64, o), 201);
    // Misaligned out.
    assert_eq!(
        call(v, t, token.len(), sc, 64, abase.wrapping_add(1).cast()),
        201
    );

    // A verifier never initialized, or whose init failed, verifies nothing.
    let mut zeroed = Owned::uninit();
    // SAFETY: zeroing memory the test owns.
    unsafe { zeroed.ptr().write_bytes(0, 1) };
    assert_eq!(call(zeroed.as_ptr(), t, token.len(), sc, 64, o), 201);
    let mut failed = Owned::uninit();
    assert_eq!(failed.init(b"not a key", None), 100);
    assert_eq!(call(failed.as_ptr(), t, token.len(), sc, 64, o), 201);
    // SAFETY: as above.
    assert_eq!(unsafe { edjwt_verifier_key_count(failed.as_ptr()) }, 0);

    // Init memory: NULL, too small, misaligned.
    let mut memory = vec![0u64; VERIFIER_SIZE / 8 + 1];
    let m = memory.as_mut_ptr().cast::<u8>();
    let init = |p: *mut u8, size: usize| {
        // SAFETY: `p` points into `memory`, valid for `size` bytes.
        unsafe { edjwt_verifier_init(p.cast(), size, std::ptr::null(), 0, std::ptr::null()) }
    };
    assert_eq!(init(std::ptr::null_mut(), VERIFIER_SIZE), 201);
    assert_eq!(init(m, edjwt_verifier_size() - 1), 201);
    assert_eq!(init(m.wrapping_add(4), edjwt_verifier_size()), 201);
    assert_eq!(init(m, edjwt_verifier_size()), EDJWT_OK);
}

#[test]
fn key_loading_errors_and_rotation() {
    let mut v = Owned::uninit();
    let private = root_file("tests/fixtures/interop/key1.private.pem");
    let private_jwk = root_file("tests/fixtures/interop/key1.private.jwk.json");
    for (keys, want) in [
        (private.as_bytes(), "private-key"),
        (private_jwk.as_bytes(), "private-key"),
        (b"not a key".as_slice(), "invalid-key"),
        (b"\xff\xfe".as_slice(), "invalid-key"),
        (
            br#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#.as_slice(),
            "unsupported-key",
        ),
        (
            br#"{"kty":"OKP","crv":"Ed25519","x":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}"#
                .as_slice(),
            "weak-key",
        ),
    ] {
        assert_eq!(code(v.init(keys, None)), want);
    }
    // DER, PEM, then more keys for rotation; 16 at most.
    let der = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/interop/key1.public.der"),
    )
    .unwrap();
    assert_eq!(v.init(&der, None), EDJWT_OK);
    let mut added = 0usize;
    let pem = root_file("tests/fixtures/interop/key2.public.pem");
    let add = |v: &mut Owned, keys: &[u8], added: &mut usize| {
        // SAFETY: live memory of the given lengths.
        unsafe { edjwt_verifier_add_keys(v.ptr(), keys.as_ptr().cast(), keys.len(), added) }
    };
    assert_eq!(add(&mut v, pem.as_bytes(), &mut added), EDJWT_OK);
    assert_eq!(added, 1);
    let jwks = root_file("tests/fixtures/interop/jwks.json");
    assert_eq!(add(&mut v, jwks.as_bytes(), &mut added), EDJWT_OK);
    assert_eq!(added, 2);
    // SAFETY: initialized above.
    assert_eq!(unsafe { edjwt_verifier_key_count(v.as_ptr()) }, 4);
    for _ in 4..MAX_KEYS {
        assert_eq!(add(&mut v, RFC8037_PEM.as_bytes(), &mut added), EDJWT_OK);
    }
    assert_eq!(
        code(add(&mut v, RFC8037_PEM.as_bytes(), &mut added)),
        "key-set-full"
    );
    assert_eq!(
        code(add(&mut v, private.as_bytes(), &mut added)),
        "private-key"
    );
    // SAFETY: as above.
    assert_eq!(unsafe { edjwt_verifier_key_count(v.as_ptr()) }, MAX_KEYS);
}

#[test]
fn policy_fields_and_limits() {
    let ok_basic = support::vectors()
        .into_iter()
        .find(|v| v.id == "ok_basic")
        .unwrap()
        .token;
    let mut scratch = [0u8; 2 * 8192];
    let run = |policy: &EdjwtPolicy, scratch: &mut [u8]| {
        let mut v = Owned::uninit();
        let init = v.init(RFC8037_JWK.as_bytes(), Some(policy));
        if init != EDJWT_OK {
            return code(init);
        }
        code(v.verify(&ok_basic, scratch).0)
    };
    let mut p = EdjwtPolicy::DEFAULT;
    // SAFETY: writes a policy the test owns.
    unsafe { edjwt_policy_init(&raw mut p) };
    assert_eq!(p.leeway, 60);
    // RFC 7519 §4.1.3: the token carries `aud` and no audience is configured.
    assert_eq!(run(&p, &mut scratch), "wrong-audience");
    p.flags = EDJWT_POLICY_ANY_AUDIENCE;
    assert_eq!(run(&p, &mut scratch), "ok");
    let issuers = [s("https://other.example"), s(ISS)];
    p.issuers = issuers.as_ptr();
    p.issuers_len = 2;
    assert_eq!(run(&p, &mut scratch), "ok");
    p.issuers_len = 1;
    assert_eq!(run(&p, &mut scratch), "wrong-issuer");
    p.issuers_len = 2;
    let audiences = [s(AUD)];
    p.audiences = audiences.as_ptr();
    p.audiences_len = 1;
    p.flags = 0;
    p.subject = s("bob");
    assert_eq!(run(&p, &mut scratch), "wrong-subject");
    p.subject = s("alice");
    assert_eq!(run(&p, &mut scratch), "ok");
    p.max_age = 50; // iat is 100 s before now, leeway 60
    assert_eq!(run(&p, &mut scratch), "ok");
    p.leeway = 0;
    assert_eq!(run(&p, &mut scratch), "too-old");
    p.max_age = 0;
    p.max_token_len = 100;
    assert_eq!(run(&p, &mut scratch), "token-too-large");
    p.max_token_len = 0;
    let claims = [s("prefix")];
    p.required_claims = claims.as_ptr();
    p.required_claims_len = 1;
    assert_eq!(run(&p, &mut scratch), "missing-claim");
    p.required_claims_len = 0;

    // Argument and capacity errors.
    let mut bad = p;
    bad.flags = 4;
    assert_eq!(run(&bad, &mut scratch), "invalid-argument");
    let mut bad = p;
    bad.issuers = std::ptr::null();
    assert_eq!(run(&bad, &mut scratch), "invalid-argument");
    let mut bad = p;
    bad.subject = EdjwtStr {
        ptr: std::ptr::null(),
        len: 3,
    };
    assert_eq!(run(&bad, &mut scratch), "invalid-argument");
    let mut bad = p;
    let not_utf8 = [EdjwtStr {
        ptr: b"\xff".as_ptr().cast(),
        len: 1,
    }];
    bad.audiences = not_utf8.as_ptr();
    assert_eq!(run(&bad, &mut scratch), "invalid-argument");
    let nine = [s(ISS); 9];
    let mut bad = p;
    bad.issuers = nine.as_ptr();
    bad.issuers_len = 9;
    assert_eq!(run(&bad, &mut scratch), "policy-too-large");
    let long = "a".repeat(MAX_POLICY_TEXT);
    let mut bad = p;
    bad.typ = s(&long);
    assert_eq!(run(&bad, &mut scratch), "policy-too-large");
    // Exactly full is fine.
    let mut full = EdjwtPolicy::DEFAULT;
    full.subject = s(&long);
    full.flags = EDJWT_POLICY_ANY_AUDIENCE;
    assert_eq!(run(&full, &mut scratch), "wrong-subject");
}

#[test]
fn the_verifier_is_plain_bytes() {
    let original = context("attacks");
    let token = support::vectors()
        .into_iter()
        .find(|v| v.id == "ok_basic")
        .unwrap()
        .token;
    let mut copy = vec![0u64; VERIFIER_SIZE / 8];
    // SAFETY: copies the verifier's bytes into memory the test owns, of the same size and
    // alignment.
    unsafe {
        std::ptr::copy_nonoverlapping(
            original.as_ptr().cast::<u8>(),
            copy.as_mut_ptr().cast::<u8>(),
            edjwt_verifier_size(),
        );
    }
    drop(original);
    let mut scratch = [0u8; 1024];
    let mut out = MaybeUninit::<EdjwtResult>::uninit();
    // SAFETY: the copied verifier and live buffers.
    let reason = unsafe {
        edjwt_verify(
            copy.as_ptr().cast(),
            token.as_ptr().cast(),
            token.len(),
            support::NOW,
            scratch.as_mut_ptr(),
            scratch.len(),
            out.as_mut_ptr(),
        )
    };
    assert_eq!(reason, EDJWT_OK);

    // Bytes written by another build (another version, layout or backend: its build stamp,
    // the second 8 bytes, differs) are refused with their own reason, never misread.
    let verify = |verifier: &[u64], scratch: &mut [u8]| {
        let mut out = MaybeUninit::<EdjwtResult>::uninit();
        // SAFETY: verifier memory the test owns and live buffers.
        unsafe {
            edjwt_verify(
                verifier.as_ptr().cast(),
                token.as_ptr().cast(),
                token.len(),
                support::NOW,
                scratch.as_mut_ptr(),
                scratch.len(),
                out.as_mut_ptr(),
            )
        }
    };
    let mut foreign = copy.clone();
    foreign[1] ^= 1;
    assert_eq!(verify(&foreign, &mut scratch), EDJWT_ERR_FOREIGN_VERIFIER);
    assert_eq!(code(EDJWT_ERR_FOREIGN_VERIFIER), "foreign-verifier");
    // SAFETY: as above.
    let added = unsafe {
        edjwt_verifier_add_keys(
            foreign.as_mut_ptr().cast(),
            RFC8037_PEM.as_ptr().cast(),
            RFC8037_PEM.len(),
            std::ptr::null_mut(),
        )
    };
    assert_eq!(added, EDJWT_ERR_FOREIGN_VERIFIER);
    // SAFETY: as above.
    assert_eq!(
        unsafe { edjwt_verifier_key_count(foreign.as_ptr().cast()) },
        0
    );
    // Without the magic it was never initialized at all.
    let mut uninitialized = copy.clone();
    uninitialized[0] ^= 1;
    assert_eq!(
        verify(&uninitialized, &mut scratch),
        EDJWT_ERR_INVALID_ARGUMENT
    );
    // The copy itself still verifies.
    assert_eq!(verify(&copy, &mut scratch), EDJWT_OK);
}

#[test]
fn reason_strings_and_sizes() {
    let text = |p: *const c_char| {
        // SAFETY: static NUL-terminated strings.
        unsafe { CStr::from_ptr(p) }.to_str().unwrap()
    };
    assert_eq!(text(edjwt_reason_code(EDJWT_OK)), "ok");
    assert_eq!(text(edjwt_reason_code(11)), "expired");
    assert_eq!(text(edjwt_reason_message(11)), "token expired");
    assert_eq!(
        text(edjwt_www_authenticate(11)),
        r#"Bearer error="invalid_token", error_description="token expired""#
    );
    assert_eq!(text(edjwt_www_authenticate(1)), "Bearer");
    assert!(edjwt_www_authenticate(EDJWT_OK).is_null());
    assert!(edjwt_www_authenticate(103).is_null());
    assert_eq!(text(edjwt_reason_code(-1)), "unknown");
    assert_eq!(text(edjwt_reason_code(9999)), "unknown");
    assert_eq!(edjwt_http_status(EDJWT_OK), 200);
    assert_eq!(edjwt_http_status(10), 401);
    assert_eq!(edjwt_http_status(200), 500);
    assert_eq!(edjwt_http_status(9999), 500);
    assert_eq!(text(edjwt_version()), env!("CARGO_PKG_VERSION"));
    assert!(edjwt_verifier_size() <= VERIFIER_SIZE);
    assert!(edjwt_verifier_align() <= VERIFIER_ALIGN);
    assert_eq!(size_of::<EdjwtVerifier>(), VERIFIER_SIZE);
    println!(
        "verifier: {} bytes, alignment {}",
        edjwt_verifier_size(),
        edjwt_verifier_align()
    );
}
