//! Round trip: any claims set from the `arbitrary` model, signed, verifies (under a policy
//! that accepts every valid claims set) with exactly the model's claims, and custom-claim
//! deserialization works on it; then any single mutation of the signed token (bit flip,
//! byte change, insertion, deletion, swap, truncation) is rejected before the claims.
#![no_main]

use arbitrary::Arbitrary;
use edjwt::{Error, Verifier};
use edjwt_fuzz::model::{Escapes, Text, Ws};
use edjwt_fuzz::oracle::{exposed, AlgChoice, Case, ClaimMember, HeaderMember, PolicyModel};
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;

#[derive(Arbitrary, Debug)]
struct Input {
    claims: Vec<ClaimMember>,
    ws: Ws,
    typ_and_kid: bool,
    mutation: Mutation,
}

#[derive(Arbitrary, Debug)]
struct Mutation {
    pos: u16,
    kind: u8,
    byte: u8,
}

impl Mutation {
    fn apply(&self, token: &str) -> Vec<u8> {
        let mut t = token.as_bytes().to_vec();
        let pos = usize::from(self.pos) % t.len();
        match self.kind % 6 {
            0 => t[pos] ^= 1 << (self.byte % 8),
            1 => t[pos] = self.byte,
            2 => t.insert(usize::from(self.pos) % (t.len() + 1), self.byte),
            3 => {
                t.remove(pos);
            }
            4 if pos + 1 < t.len() => t.swap(pos, pos + 1),
            _ => t.truncate(pos),
        }
        t
    }
}

/// Registered string claims as a caller's serde type would read them.
#[derive(Deserialize)]
struct Registered {
    iss: Option<heapless::String<128>>,
    sub: Option<heapless::String<128>>,
    jti: Option<heapless::String<128>>,
}

fn after_signature(e: Error) -> bool {
    use Error::*;
    matches!(
        e,
        Expired
            | NotYetValid
            | IssuedInFuture
            | TooOld
            | WrongIssuer
            | WrongAudience
            | WrongSubject
            | WrongType
            | MissingClaim
            | InvalidClaim
    )
}

fuzz_target!(|input: Input| {
    let mut header = vec![];
    if input.typ_and_kid {
        header.push(HeaderMember::Typ(Escapes::NONE, Text::plain("JWT")));
        header.push(HeaderMember::Kid(Escapes::NONE, Text::plain("rfc8037")));
    }
    let case = Case {
        alg: AlgChoice::EdDsa(Escapes::NONE, Escapes::NONE),
        header,
        header_ws: input.ws,
        claims: input.claims,
        claims_ws: input.ws,
        policy: PolicyModel::permissive(),
        signer_kid: Some(0),
        other_keys: vec![],
        signer_pos: 0,
        now: 1_700_000_000,
    };
    let built = case.build();
    let keys = case.keys();
    let strings = case.policy.strings();
    let verifier = Verifier::new(&keys, case.policy.policy(&strings));
    let mut buf = vec![0u8; built.token.len()];
    let want = case.expect(&built);
    let verified = verifier.verify(&built.token, case.now, &mut buf);
    let got = verified.as_ref().map(exposed).map_err(|e| *e);
    assert_eq!(got, want, "\nclaims: {}", built.claims_json);

    if let (Ok(v), Ok(model)) = (&verified, &want) {
        let fits = |s: &Option<String>| s.as_ref().is_none_or(|s| s.len() <= 128);
        if fits(&model.iss) && fits(&model.sub) && fits(&model.jti) {
            let mut scratch = vec![0u8; 2 * built.claims_json.len()];
            let r: Registered = v.deserialize_claims(&mut scratch).unwrap_or_else(|e| {
                panic!("deserialize_claims: {e:?}\nclaims: {}", built.claims_json)
            });
            let s = |h: Option<heapless::String<128>>| h.map(|h| h.as_str().to_owned());
            assert_eq!(s(r.iss), model.iss);
            assert_eq!(s(r.sub), model.sub);
            assert_eq!(s(r.jti), model.jti);
        }
    }

    let mutated = input.mutation.apply(&built.token);
    let Ok(mutated) = String::from_utf8(mutated) else {
        return;
    };
    if mutated == built.token {
        return;
    }
    let mut buf = vec![0u8; mutated.len()];
    match verifier.verify(&mutated, case.now, &mut buf) {
        Ok(_) => panic!("mutated token verified:\n{}\n{mutated}", built.token),
        Err(e) => assert!(!after_signature(e), "mutated token got {e:?}"),
    }
});
