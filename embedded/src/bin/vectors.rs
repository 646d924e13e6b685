//! The core's vector suites on the device: RFC 8037 / RFC 8032, Wycheproof Ed25519,
//! ed25519-speccheck, the JWT attack corpus, and a JWKS + policy round over tokens minted by
//! PyJWT and node `jose`. Every check compares an exact outcome (a reason code); the last
//! line is `N passed, M failed` and the exit status is 0 only when nothing failed.
#![no_std]
#![no_main]

use core::panic::PanicInfo;

use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hprintln};
use edjwt::{Algorithm, Error, KeySet, Policy, Verifier, VerifyingKey, DEFAULT_MAX_TOKEN_LEN};
use edjwt_embedded::{code, Tally};

/// One decode buffer for every token: the default limits accept nothing longer.
type Buffer = [u8; DEFAULT_MAX_TOKEN_LEN];

#[entry]
fn main() -> ! {
    let mut tally = Tally::default();
    let mut buf: Buffer = [0; DEFAULT_MAX_TOKEN_LEN];
    rfc8037(&mut tally, &mut buf);
    wycheproof(&mut tally);
    speccheck(&mut tally);
    attacks(&mut tally, &mut buf);
    jwks_and_policy(&mut tally, &mut buf);
    hprintln!("{} passed, {} failed", tally.passed, tally.failed);
    debug::exit(if tally.failed == 0 && tally.passed > 0 {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    loop {}
}

/// RFC 8037 Appendix A (the key as JWK, PEM and DER; the A.4 JWS) and RFC 8032 §7.1.
fn rfc8037(t: &mut Tally, buf: &mut Buffer) {
    use edjwt_embedded::*;
    const S: &str = "rfc8037";
    let Ok(key) = VerifyingKey::from_jwk(RFC8037_PUBLIC_JWK) else {
        t.check(S, "A.2 public jwk loads", "error", "ok");
        return;
    };
    t.assert(S, "A.2 key bytes", key.to_bytes() == RFC8037_PUBLIC_KEY);
    t.outcome(
        S,
        "A.1 private jwk",
        &VerifyingKey::from_jwk(RFC8037_PRIVATE_JWK),
        &Err(Error::PrivateKey),
    );
    t.assert(
        S,
        "spki pem",
        VerifyingKey::from_pem(RFC8037_SPKI_PEM) == Ok(key.clone()),
    );
    t.assert(
        S,
        "spki der",
        VerifyingKey::from_spki_der(RFC8037_SPKI_DER) == Ok(key.clone()),
    );
    t.outcome(
        S,
        "pkcs8 pem",
        &VerifyingKey::from_pem(RFC8037_PKCS8_PEM),
        &Err(Error::PrivateKey),
    );

    let keys = [key.clone()];
    let verifier = Verifier::new(&keys, Policy::new());
    match verifier.verify_jws(RFC8037_JWS, buf) {
        Ok(jws) => {
            t.assert(
                S,
                "A.4 payload",
                jws.payload() == RFC8037_PAYLOAD.as_bytes(),
            );
            t.assert(S, "A.4 alg", jws.header().alg() == Algorithm::EdDsa);
        }
        Err(e) => t.check(S, "A.4 verify_jws", e.code(), "ok"),
    }
    let signature = key.verify_signature(RFC8037_SIGNING_INPUT.as_bytes(), RFC8037_SIGNATURE);
    t.outcome(S, "A.4 signature", &signature, &Ok(()));
    // Plain text payload: a valid JWS, not a JWT.
    t.outcome(
        S,
        "A.4 as jwt",
        &verifier.verify(RFC8037_JWS, 0, buf),
        &Err(Error::Malformed),
    );

    for case in RFC8032 {
        let Ok(key) = VerifyingKey::from_slice(case.public_key) else {
            t.check("rfc8032", case.name, "key error", "ok");
            continue;
        };
        t.outcome(
            "rfc8032",
            case.name,
            &key.verify_signature(case.message, case.signature),
            &Ok(()),
        );
        let mut flipped = [0u8; 64];
        flipped.copy_from_slice(case.signature);
        flipped[0] ^= 1;
        let got = key.verify_signature(case.message, &flipped);
        t.outcome("rfc8032", case.name, &got, &Err(Error::BadSignature));
    }
}

/// Every Wycheproof case: valid ones verify; invalid ones are `bad-signature` (64-byte
/// signatures) or `malformed` (other lengths), or the group key is refused as `weak-key`.
/// The group key loads to the same key from raw bytes, SPKI DER, PEM and JWK.
fn wycheproof(t: &mut Tally) {
    const S: &str = "wycheproof";
    let (mut valid, mut invalid) = (0u32, 0u32);
    for group in edjwt_embedded::WYCHEPROOF {
        let key = VerifyingKey::from_slice(group.public_key);
        let jwk = VerifyingKey::from_jwk(group.jwk);
        let first = group.cases.first().map_or(0, |c| c.id);
        let name = format_args!("group of tcId {first}");
        t.assert(S, name, VerifyingKey::from_spki_der(group.der) == key);
        t.assert(S, name, VerifyingKey::from_pem(group.pem) == key);
        t.assert(
            S,
            name,
            jwk.as_ref().map_or(true, |k| k.kid() == Some("none")),
        );
        t.assert(
            S,
            name,
            jwk.and_then(|k| VerifyingKey::from_bytes(&k.to_bytes())) == key,
        );
        for case in group.cases {
            let name = case.id;
            let got = key
                .as_ref()
                .map_err(|e| *e)
                .and_then(|k| k.verify_signature(case.message, case.signature));
            if case.valid {
                valid += 1;
                t.outcome(S, name, &got, &Ok(()));
            } else {
                invalid += 1;
                let want = if key.is_err() {
                    Error::WeakKey
                } else if case.signature.len() == 64 {
                    Error::BadSignature
                } else {
                    Error::Malformed
                };
                t.outcome(S, name, &got, &Err(want));
            }
        }
    }
    t.assert(S, "88 valid", valid == 88);
    t.assert(S, "63 invalid", invalid == 63);
}

/// "Taming the many EdDSAs": small-order and non-canonical keys are refused when loaded,
/// small-order / non-canonical R and S >= L fail; cases 4 and 5 satisfy only the cofactored
/// equation, which both backends check.
fn speccheck(t: &mut Tally) {
    use Error::{BadSignature as Bad, WeakKey as Weak};
    let expected = [
        Err(Weak),
        Err(Weak),
        Err(Bad),
        Ok(()),
        Ok(()),
        Ok(()),
        Err(Bad),
        Err(Bad),
        Err(Bad),
        Err(Bad),
        Err(Weak),
        Err(Weak),
    ];
    t.assert(
        "speccheck",
        "12 cases",
        edjwt_embedded::SPECCHECK.len() == expected.len(),
    );
    for (case, want) in edjwt_embedded::SPECCHECK.iter().zip(expected) {
        let got = VerifyingKey::from_slice(case.public_key)
            .and_then(|k| k.verify_signature(case.message, case.signature));
        t.outcome("speccheck", case.name, &got, &want);
    }
}

/// The attack corpus under its context (one key, kid `rfc8037`; iss, aud, leeway, now),
/// each case with the exact outcome, which must also honour the corpus's accept/reject.
fn attacks(t: &mut Tally, buf: &mut Buffer) {
    use edjwt_embedded::*;
    const S: &str = "attacks";
    let Ok(key) = VerifyingKey::from_slice(RFC8037_PUBLIC_KEY).and_then(|k| k.with_kid(ATTACK_KID))
    else {
        t.check(S, "context key", "error", "ok");
        return;
    };
    let keys = [key];
    let policy = Policy::new()
        .issuer(ATTACK_ISSUER)
        .audience(ATTACK_AUDIENCE)
        .leeway(ATTACK_LEEWAY);
    let verifier = Verifier::new(&keys, policy);
    t.assert(S, "176 cases", ATTACKS.len() == 176);
    for case in ATTACKS {
        let got = verifier.verify(case.token, ATTACK_NOW, buf);
        t.outcome(S, case.id, &got, &case.want);
        let agrees = match case.corpus {
            "accept" | "accept_if_single_key" | "expose_exactly" => got.is_ok(),
            "reject"
            | "reject_policy"
            | "reject_as_jwt"
            | "reject_if_exp_required"
            | "reject_if_aud_required" => got.is_err(),
            "either" | "policy" | "no_panic_policy" | "reject_or_accept_no_panic" => true,
            _ => false,
        };
        t.assert(S, case.id, agrees);
    }
}

/// Keys from a JWKS (two Ed25519 keys with `kid`), tokens from PyJWT and node `jose`: the
/// fixture's expected code for each under its context, then the same tokens under other
/// policies and key sets: kid selection, `exp`/`nbf` boundaries, `iss`/`aud`/`sub`/`typ`,
/// maximum age and required custom claims.
fn jwks_and_policy(t: &mut Tally, buf: &mut Buffer) {
    use edjwt_embedded::{Interop, INTEROP, INTEROP_JWKS, INTEROP_NOW};
    const S: &str = "jwks";
    let keys = match KeySet::<4>::from_jwks(INTEROP_JWKS) {
        Ok(keys) => keys,
        Err(e) => return t.check(S, "from_jwks", e.code(), "ok"),
    };
    t.assert(S, "two keys", keys.len() == 2);
    t.assert(
        S,
        "kids",
        keys.first().and_then(|k| k.kid()) == Some("key-1")
            && keys.get(1).and_then(|k| k.kid()) == Some("key-2"),
    );
    const ISSUER: &str = "https://issuer.example";
    let context = Policy::new().issuer(ISSUER).audience("api");
    let verifier = Verifier::new(&keys, context);
    for case in INTEROP {
        t.check(
            S,
            case.id,
            code(&verifier.verify(case.token, INTEROP_NOW, buf)),
            case.expect,
        );
    }

    let token = |id: &str| {
        INTEROP
            .iter()
            .find(|c: &&Interop| c.id == id)
            .map_or("", |c| c.token)
    };
    let basic = token("pyjwt_basic");
    let mut r = Round { t, buf };
    // Times of every token unless its case says otherwise.
    const IAT: u64 = 1_700_000_000;
    const EXP: u64 = 1_700_003_600;
    const LEEWAY: u64 = edjwt::DEFAULT_LEEWAY;
    const NOW: u64 = INTEROP_NOW;

    // Key selection: the kid picks the key; a kid-less token tries every key in order.
    let index = r.run(
        "kid key-2",
        &keys,
        context,
        token("jose_kid_key2"),
        NOW,
        "ok",
    );
    r.t.assert(S, "kid key-2: key index 1", index == Some(1));
    let index = r.run("no kid", &keys, context, token("jose_no_kid"), NOW, "ok");
    r.t.assert(S, "no kid: key index 0", index == Some(0));
    let (Some(key1), Some(key2)) = (keys.first().cloned(), keys.get(1).cloned()) else {
        return r.t.check(S, "two keys", "missing", "ok");
    };
    let (Ok(key1_bare), Ok(key2_bare)) = (
        VerifyingKey::from_bytes(&key1.to_bytes()),
        VerifyingKey::from_bytes(&key2.to_bytes()),
    ) else {
        return r.t.check(S, "keys without kid", "error", "ok");
    };
    // A kid that matches no key and no kid-less key: rejected before any signature check.
    r.run(
        "kid key-1, only key-2",
        &[key2.clone()],
        context,
        basic,
        NOW,
        "unknown-key",
    );
    // Keys without kid are candidates for every kid, in order.
    let index = r.run(
        "kid-less keys",
        &[key2_bare.clone(), key1_bare],
        context,
        token("pyjwt_unknown_kid"),
        NOW,
        "ok",
    );
    r.t.assert(S, "kid-less keys: key index 1", index == Some(1));
    // kid key-1 names key-1, but key-2 signed: the kid-less copy of key-2 is also a candidate.
    let index = r.run(
        "kid key-1 signed by kid-less key-2",
        &[key1, key2_bare.clone()],
        context,
        token("pyjwt_wrong_key"),
        NOW,
        "ok",
    );
    r.t.assert(S, "kid-less key-2: key index 1", index == Some(1));
    r.run(
        "kid-less wrong key",
        &[key2_bare],
        context,
        basic,
        NOW,
        "bad-signature",
    );

    // exp: valid strictly before exp + leeway.
    r.run(
        "exp + leeway - 1",
        &keys,
        context,
        basic,
        EXP + LEEWAY - 1,
        "ok",
    );
    r.run(
        "exp + leeway",
        &keys,
        context,
        basic,
        EXP + LEEWAY,
        "expired",
    );
    r.run(
        "exp, no leeway",
        &keys,
        context.leeway(0),
        basic,
        EXP,
        "expired",
    );
    r.run(
        "exp - 1, no leeway",
        &keys,
        context.leeway(0),
        basic,
        EXP - 1,
        "ok",
    );
    // exp 1700003600.5: a fraction never extends a token's life.
    r.run(
        "fractional exp",
        &keys,
        context,
        token("pyjwt_float_exp"),
        EXP + LEEWAY,
        "expired",
    );
    r.run(
        "no exp, opted out",
        &keys,
        context.allow_missing_exp(),
        token("pyjwt_no_exp"),
        NOW,
        "ok",
    );
    // nbf (= iat): valid from nbf - leeway.
    r.run("nbf - leeway", &keys, context, basic, IAT - LEEWAY, "ok");
    r.run(
        "nbf - leeway - 1",
        &keys,
        context,
        basic,
        IAT - LEEWAY - 1,
        "not-yet-valid",
    );
    // iat 1700007200 (nbf, exp unchanged): in the future unless the leeway covers it.
    let future_iat = token("jose_future_iat");
    r.run(
        "iat = now + leeway",
        &keys,
        context.leeway(7100),
        future_iat,
        NOW,
        "ok",
    );
    r.run(
        "iat = now + leeway + 1",
        &keys,
        context.leeway(7099),
        future_iat,
        NOW,
        "issued-in-future",
    );
    // Maximum age: too old from iat + max age + leeway (now is iat + 100).
    r.run("max age 41", &keys, context.max_age(41), basic, NOW, "ok");
    r.run(
        "max age 40",
        &keys,
        context.max_age(40),
        basic,
        NOW,
        "too-old",
    );

    // iss: one or any of several.
    r.run(
        "other issuer",
        &keys,
        context.issuer("https://evil.example"),
        basic,
        NOW,
        "wrong-issuer",
    );
    let issuers = ["https://evil.example", ISSUER];
    r.run(
        "issuer list",
        &keys,
        context.issuers(&issuers),
        basic,
        NOW,
        "ok",
    );
    r.run(
        "issuer list, evil",
        &keys,
        context.issuers(&issuers),
        token("jose_wrong_iss"),
        NOW,
        "ok",
    );
    // aud: a string or any element of an array.
    r.run(
        "other audience",
        &keys,
        context.audience("other"),
        basic,
        NOW,
        "wrong-audience",
    );
    r.run(
        "audience in array",
        &keys,
        context.audience("other"),
        token("jose_aud_array"),
        NOW,
        "ok",
    );
    let audiences = ["x", "api"];
    r.run(
        "audience list",
        &keys,
        context.audiences(&audiences),
        basic,
        NOW,
        "ok",
    );
    r.run(
        "empty audience list",
        &keys,
        context.audiences(&[]),
        basic,
        NOW,
        "wrong-audience",
    );
    // A token carrying aud where no audience is configured: rejected unless the caller
    // opted into any audience (RFC 7519 §4.1.3). A token without aud is still accepted.
    let no_audience = Policy::new().issuer(ISSUER);
    r.run(
        "aud, no audience configured",
        &keys,
        no_audience,
        basic,
        NOW,
        "wrong-audience",
    );
    r.run(
        "aud array, no audience configured",
        &keys,
        no_audience,
        token("jose_aud_array"),
        NOW,
        "wrong-audience",
    );
    r.run(
        "aud, any audience",
        &keys,
        no_audience.any_audience(),
        basic,
        NOW,
        "ok",
    );
    r.run(
        "aud array, any audience",
        &keys,
        no_audience.any_audience(),
        token("jose_aud_array"),
        NOW,
        "ok",
    );
    let attack_aud_missing = edjwt_embedded::ATTACKS
        .iter()
        .find(|a| a.id == "aud_missing")
        .map_or("", |a| a.token);
    let attack_keys = VerifyingKey::from_slice(edjwt_embedded::RFC8037_PUBLIC_KEY);
    if let Ok(attack_key) = attack_keys {
        let attack_keys = [attack_key];
        let at = edjwt_embedded::ATTACK_NOW;
        r.run(
            "no aud, no audience configured",
            &attack_keys,
            no_audience,
            attack_aud_missing,
            at,
            "ok",
        );
        r.run(
            "no aud, audience configured",
            &attack_keys,
            no_audience.audience("api"),
            attack_aud_missing,
            at,
            "missing-claim",
        );
    }
    // sub, typ, required custom claims.
    r.run("subject", &keys, context.subject("alice"), basic, NOW, "ok");
    r.run(
        "other subject",
        &keys,
        context.subject("bob"),
        basic,
        NOW,
        "wrong-subject",
    );
    r.run("typ jwt", &keys, context.typ("jwt"), basic, NOW, "ok");
    r.run(
        "typ at+jwt",
        &keys,
        context.typ("at+jwt"),
        basic,
        NOW,
        "wrong-type",
    );
    r.run(
        "prefix required",
        &keys,
        context.require_claims(&["prefix"]),
        basic,
        NOW,
        "ok",
    );
    let no_prefix = token("pyjwt_kid_key2");
    r.run(
        "prefix missing",
        &keys,
        context.require_claims(&["prefix"]),
        no_prefix,
        NOW,
        "missing-claim",
    );
    // A forged token is never reported as expired: the signature is checked first.
    r.run(
        "forged and expired",
        &keys,
        context,
        token("pyjwt_wrong_key"),
        EXP + LEEWAY,
        "bad-signature",
    );
}

/// Runs one verification of the policy round.
struct Round<'a> {
    t: &'a mut Tally,
    buf: &'a mut Buffer,
}

impl Round<'_> {
    /// Verifies `token` with `keys` and `policy` at `now`, checks the code, returns the
    /// index of the key that verified.
    fn run(
        &mut self,
        name: &str,
        keys: &[VerifyingKey],
        policy: Policy<'_>,
        token: &str,
        now: u64,
        want: &str,
    ) -> Option<usize> {
        let got = Verifier::new(keys, policy).verify(token, now, self.buf);
        self.t.check("jwks", name, code(&got), want);
        got.map(|v| v.key_index()).ok()
    }
}

#[panic_handler]
fn panic(info: &PanicInfo<'_>) -> ! {
    hprintln!("panic: {}", info);
    debug::exit(debug::EXIT_FAILURE);
    loop {}
}
