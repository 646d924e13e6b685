//! `edjwt demo`: the whole job in one command, with nothing to set up.

use ed25519_compact::KeyPair;
use edjwt::{Error, Policy, Verifier, VerifyingKey};
use serde_json::json;

use crate::failure::Failure;
use crate::output::out;
use crate::signing::{b64url, sign_token};

const ISSUER: &str = "https://issuer.example";
const AUDIENCE: &str = "api";

pub(crate) fn run() -> Result<(), Failure> {
    let now = edjwt::now();
    let pair = KeyPair::generate();
    let key = VerifyingKey::from_bytes(&pair.pk)
        .map_err(|e| Failure::Failed(format!("the new public key was refused: {}", e.code())))?
        .with_kid("demo-1")
        .map_err(|e| Failure::Failed(format!("kid refused: {}", e.code())))?;
    let keys = [key];
    let verifier = Verifier::new(&keys, Policy::new().issuer(ISSUER).audience(AUDIENCE));
    let header = json!({"alg": "EdDSA", "typ": "JWT", "kid": "demo-1"});
    let claims = |iat: u64, exp: u64| {
        json!({"iss": ISSUER, "sub": "alice", "aud": AUDIENCE, "iat": iat, "exp": exp,
               "prefix": "projects/alpha/"})
    };

    out("edjwt demo: an Ed25519 key pair in memory, one token, three verifications");
    out(&format!(
        "1. key pair made; public key (JWK x) {}",
        b64url(&pair.pk[..])
    ));
    let token = sign_token(&pair, &header, &claims(now, now.saturating_add(3600)));
    out(&format!(
        "2. signed a token valid for 1 h ({} bytes):",
        token.len()
    ));
    out(&format!("   {token}"));

    let mut all_ok = true;
    let mut buf = vec![0u8; token.len()];
    match verifier.verify(&token, now, &mut buf) {
        Ok(verified) => out(&format!("3. verify → ok, claims: {}", verified.payload())),
        Err(e) => {
            out(&format!("3. verify → UNEXPECTED rejected: {}", e.code()));
            all_ok = false;
        }
    }

    let tampered = tamper(&token);
    all_ok &= expect_rejection(
        &verifier,
        "4. tampered copy (1 payload character changed)",
        &tampered,
        now,
        Error::BadSignature,
    );
    let expired = sign_token(
        &pair,
        &header,
        &claims(now.saturating_sub(7200), now.saturating_sub(3600)),
    );
    all_ok &= expect_rejection(
        &verifier,
        "5. expired copy (exp 1 h ago, correctly signed)",
        &expired,
        now,
        Error::Expired,
    );

    if !all_ok {
        return Err(Failure::Failed(
            "the demo did not behave as expected".to_owned(),
        ));
    }
    out("every step behaved as expected. With your own keys:");
    out("   edjwt keygen --private private.pem --public public.pem");
    out("   edjwt sign --key private.pem --iss https://issuer.example --aud api > token.txt");
    out("   edjwt verify --key public.pem --iss https://issuer.example --aud api < token.txt");
    Ok(())
}

fn expect_rejection(
    verifier: &Verifier<'_, '_>,
    what: &str,
    token: &str,
    now: u64,
    want: Error,
) -> bool {
    let mut buf = vec![0u8; token.len()];
    match verifier.verify(token, now, &mut buf) {
        Err(e) if e == want => {
            out(&format!("{what} → rejected: {}: {}", e.code(), e.message()));
            true
        }
        Err(e) => {
            out(&format!(
                "{what} → UNEXPECTED rejected: {} (expected {})",
                e.code(),
                want.code()
            ));
            false
        }
        Ok(_) => {
            out(&format!(
                "{what} → UNEXPECTED ok (expected {})",
                want.code()
            ));
            false
        }
    }
}

/// The token with one character in the middle of its payload part replaced. A middle
/// character (never the last) keeps the base64url canonical, so the change reaches the
/// signature check instead of failing as `malformed`.
fn tamper(token: &str) -> String {
    let start = token.find('.').map_or(0, |i| i.saturating_add(1));
    let end = token.rfind('.').unwrap_or(token.len());
    let middle = start.saturating_add(end.saturating_sub(start) / 2);
    token
        .char_indices()
        .map(|(i, c)| match (i == middle, c) {
            (true, 'A') => 'B',
            (true, _) => 'A',
            (false, c) => c,
        })
        .collect()
}
