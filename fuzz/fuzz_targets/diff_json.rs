//! Differential: edjwt's strict JSON layer against `serde_json`, on arbitrary bytes signed as
//! the claims set. serde_json decides the grammar; a visitor over serde_json's parse (names
//! already unescaped) finds duplicate names, depth and open-name counts in text order; a
//! `RawValue` map and an independent `NumericDate` evaluator decide registered claim types.
//!
//! Deliberate differences (fuzz/README.md): edjwt rejects duplicates (serde_json keeps the
//! last), nesting deeper than 32 (serde_json: 128), more than 128 open names, and any
//! top-level value other than an object; serde_json rejects numbers beyond f64's range that
//! the JSON grammar allows (skipped here).
#![no_main]

use std::collections::HashMap;
use std::fmt;

use edjwt::{Error, Verifier};
use edjwt_fuzz::date::numeric_date;
use edjwt_fuzz::model::Structural;
use edjwt_fuzz::sign;
use libfuzzer_sys::fuzz_target;
use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// What edjwt's walk sees, rebuilt from serde_json's events.
#[derive(Default)]
struct Walk {
    open: Vec<Option<Vec<String>>>,
    open_names: usize,
    first: Option<Structural>,
    top_is_object: Option<bool>,
}

impl Walk {
    fn event(&mut self, e: Structural) {
        self.first.get_or_insert(e);
    }

    fn value(&mut self, is_object: bool) {
        self.top_is_object.get_or_insert(is_object);
    }

    fn open(&mut self, object: bool) {
        self.value(object);
        if self.open.len() >= edjwt::MAX_JSON_DEPTH {
            self.event(Structural::TooDeep);
        }
        self.open.push(object.then(Vec::new));
    }

    fn close(&mut self) {
        if let Some(Some(names)) = self.open.pop() {
            self.open_names -= names.len();
        }
    }

    fn key(&mut self, name: String) {
        let names = self
            .open
            .last_mut()
            .and_then(Option::as_mut)
            .expect("in an object");
        if names.contains(&name) {
            self.first.get_or_insert(Structural::Duplicate);
        } else if self.open_names >= edjwt::MAX_JSON_MEMBERS {
            self.first.get_or_insert(Structural::TooManyMembers);
        }
        names.push(name);
        self.open_names += 1;
    }
}

struct Node<'w>(&'w mut Walk);

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        self.0.value(false);
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        self.0.value(false);
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        self.0.value(false);
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        self.0.value(false);
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        self.0.value(false);
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.0.value(false);
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.open(false);
        while seq.next_element_seed(Node(&mut *self.0))?.is_some() {}
        self.0.close();
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.0.open(true);
        while let Some(name) = map.next_key::<String>()? {
            self.0.key(name);
            map.next_value_seed(Node(&mut *self.0))?;
        }
        self.0.close();
        Ok(())
    }
}

#[derive(Debug, PartialEq)]
enum Verdict {
    /// Valid JSON object; `true` when a registered claim has the wrong type.
    Accept(bool),
    Reject(Error),
    /// A documented difference: no verdict.
    Skip,
}

/// Whether a registered claim of a valid, duplicate-free object has the wrong type.
fn registered_invalid(json: &[u8]) -> bool {
    let members: HashMap<String, &RawValue> =
        serde_json::from_slice(json).expect("valid object without duplicates");
    members.iter().any(|(name, raw)| {
        let raw = raw.get().trim();
        match name.as_str() {
            "iss" | "sub" | "jti" => !raw.starts_with('"'),
            "aud" => {
                !raw.starts_with('"')
                    && serde_json::from_str::<Vec<&RawValue>>(raw)
                        .map_or(true, |v| v.iter().any(|e| !e.get().starts_with('"')))
            }
            "exp" | "nbf" | "iat" => {
                !matches!(raw.as_bytes().first(), Some(b'-' | b'0'..=b'9'))
                    || numeric_date(raw).is_none()
            }
            _ => false,
        }
    })
}

fn reference(data: &[u8]) -> Verdict {
    // RFC 8259 §8.1: edjwt checks the whole text is UTF-8 before anything else.
    if std::str::from_utf8(data).is_err() {
        return Verdict::Reject(Error::Malformed);
    }
    let mut walk = Walk::default();
    let mut de = serde_json::Deserializer::from_slice(data);
    let parsed = Node(&mut walk).deserialize(&mut de).and_then(|()| de.end());
    if walk.top_is_object == Some(false) {
        return Verdict::Reject(Error::Malformed);
    }
    if let Some(e) = walk.first {
        return Verdict::Reject(e.error());
    }
    match parsed {
        Err(e) if e.to_string().starts_with("number out of range") => Verdict::Skip,
        Err(_) => Verdict::Reject(Error::Malformed),
        Ok(()) => Verdict::Accept(registered_invalid(data)),
    }
}

fuzz_target!(|data: &[u8]| {
    let token = sign::sign(br#"{"alg":"EdDSA"}"#, data);
    let keys = [sign::signer_key()];
    let policy = sign::permissive_policy();
    let mut buf = vec![0u8; token.len()];
    let got = match Verifier::new(&keys, policy).verify(&token, 1_700_000_000, &mut buf) {
        Ok(_) => Verdict::Accept(false),
        Err(Error::InvalidClaim) => Verdict::Accept(true),
        Err(e) => Verdict::Reject(e),
    };
    let want = reference(data);
    if want != Verdict::Skip {
        assert_eq!(got, want, "claims: {:?}", String::from_utf8_lossy(data));
    }
});
