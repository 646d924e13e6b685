//! A structured token case (header, claims, keys, policy, time, limits) and the verdict
//! edjwt must reach on it, computed from the rules of `docs/security.md` alone.

use arbitrary::Arbitrary;
use edjwt::{Error, Limits, Policy, Verified, VerifyingKey};

use crate::date::numeric_date;
use crate::model::{Escapes, Kind, Structural, Text, Value, Writer, Ws, STRINGS};
use crate::sign;

/// Index of a name in [`crate::model::NAMES`].
fn name(index: u8, e: Escapes) -> Text {
    Text::Name(index, e)
}

/// A header member, biased towards the parameters edjwt acts on.
#[derive(Arbitrary, Clone, Debug)]
pub enum HeaderMember {
    Alg(Escapes, Text),
    Kid(Escapes, Text),
    Typ(Escapes, Text),
    Any(Text, Value),
}

impl HeaderMember {
    fn pair(&self) -> (Text, Value) {
        match self {
            HeaderMember::Alg(e, v) => (name(0, *e), Value::String(v.clone())),
            HeaderMember::Kid(e, v) => (name(1, *e), Value::String(v.clone())),
            HeaderMember::Typ(e, v) => (name(2, *e), Value::String(v.clone())),
            HeaderMember::Any(n, v) => (n.clone(), v.clone()),
        }
    }
}

/// A claims member, biased towards registered claims of the right type.
#[derive(Arbitrary, Clone, Debug)]
pub enum ClaimMember {
    /// `exp`, `nbf` or `iat` with a number.
    Date(u8, Escapes, crate::model::Number),
    /// `iss`, `sub`, `aud` or `jti` with a string.
    Str(u8, Escapes, Text),
    /// `aud` with an array of strings.
    Audiences(Escapes, Vec<Text>, Ws),
    Any(Text, Value),
}

impl ClaimMember {
    fn pair(&self) -> (Text, Value) {
        match self {
            ClaimMember::Date(i, e, n) => (name(9 + i % 3, *e), Value::Number(n.clone())),
            ClaimMember::Str(i, e, t) => (
                name([6, 7, 8, 12][usize::from(*i % 4)], *e),
                Value::String(t.clone()),
            ),
            ClaimMember::Audiences(e, items, ws) => (
                name(8, *e),
                Value::Array(items.iter().cloned().map(Value::String).collect(), *ws),
            ),
            ClaimMember::Any(n, v) => (n.clone(), v.clone()),
        }
    }
}

/// The `alg` member written first in the header, valid about half the time.
#[derive(Arbitrary, Clone, Debug)]
pub enum AlgChoice {
    EdDsa(Escapes, Escapes),
    Ed25519(Escapes, Escapes),
    Missing,
    Other(Escapes, Value),
}

impl AlgChoice {
    fn pair(&self) -> Option<(Text, Value)> {
        let alg = |name_esc: &Escapes, value: &str, esc: &Escapes| {
            let index = STRINGS
                .iter()
                .position(|s| *s == value)
                .expect("in the pool");
            (
                name(0, *name_esc),
                Value::String(Text::Str(index as u8, *esc)),
            )
        };
        match self {
            AlgChoice::EdDsa(n, e) => Some(alg(n, "EdDSA", e)),
            AlgChoice::Ed25519(n, e) => Some(alg(n, "Ed25519", e)),
            AlgChoice::Missing => None,
            AlgChoice::Other(n, v) => Some((name(0, *n), v.clone())),
        }
    }
}

/// Size limits: the defaults three times out of four.
#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum LimitsChoice {
    Default,
    Default2,
    Default3,
    Custom(u16, u16),
}

/// Expected values of a string claim in the policy.
#[derive(Arbitrary, Clone, Debug)]
pub enum Expect {
    Unset,
    One(u8),
    Any(Vec<u8>),
}

/// Expected `typ` values.
pub const TYPS: &[&str] = &[
    "JWT",
    "jwt",
    "application/jwt",
    "at+jwt",
    "application/at+JWT",
    "",
    "application/",
    "JWT2",
];

/// Names a policy may require.
pub const REQUIRED: &[&str] = &["prefix", "exp", "sub", "x", "", "\u{e9}", "nbf", "a"];

/// `kid`s configured keys may carry.
pub const KIDS: &[&str] = &["rfc8037", "other", "", "\u{e9}"];

fn pick<'s>(pool: &[&'s str], i: u8) -> &'s str {
    pool[usize::from(i) % pool.len()]
}

/// The policy, as data.
#[derive(Arbitrary, Clone, Debug)]
pub struct PolicyModel {
    issuers: Expect,
    audiences: Expect,
    /// `Policy::any_audience`: with no audience expected, a token's `aud` is not checked.
    any_audience: bool,
    subject: Option<u8>,
    typ: Option<u8>,
    required: Vec<u8>,
    leeway: u64,
    max_age: Option<u64>,
    allow_missing_exp: bool,
    limits: LimitsChoice,
}

/// Borrowed strings a [`Policy`] points into.
pub struct PolicyStrings {
    issuers: Vec<&'static str>,
    audiences: Vec<&'static str>,
    required: Vec<&'static str>,
}

impl PolicyModel {
    /// Accepts every valid claims set: no expectations, missing `exp` allowed, unbounded
    /// leeway, default limits.
    pub fn permissive() -> Self {
        PolicyModel {
            issuers: Expect::Unset,
            audiences: Expect::Unset,
            any_audience: true,
            subject: None,
            typ: None,
            required: Vec::new(),
            leeway: u64::MAX,
            max_age: None,
            allow_missing_exp: true,
            limits: LimitsChoice::Default,
        }
    }

    fn expected(e: &Expect) -> Option<Vec<&'static str>> {
        match e {
            Expect::Unset => None,
            Expect::One(i) => Some(vec![pick(STRINGS, *i)]),
            Expect::Any(v) => Some(v.iter().map(|i| pick(STRINGS, *i)).collect()),
        }
    }

    /// The strings the policy borrows.
    pub fn strings(&self) -> PolicyStrings {
        PolicyStrings {
            issuers: Self::expected(&self.issuers).unwrap_or_default(),
            audiences: Self::expected(&self.audiences).unwrap_or_default(),
            required: self.required.iter().map(|i| pick(REQUIRED, *i)).collect(),
        }
    }

    /// The size limits.
    pub fn limits(&self) -> Limits {
        match self.limits {
            LimitsChoice::Custom(token, header) => Limits {
                max_token_len: usize::from(token),
                max_header_len: usize::from(header),
            },
            _ => Limits::DEFAULT,
        }
    }

    /// The edjwt policy.
    pub fn policy<'a>(&self, s: &'a PolicyStrings) -> Policy<'a> {
        let mut p = Policy::new().leeway(self.leeway).limits(self.limits());
        match self.issuers {
            Expect::Unset => {}
            Expect::One(_) => p = p.issuer(s.issuers[0]),
            Expect::Any(_) => p = p.issuers(&s.issuers),
        }
        match self.audiences {
            Expect::Unset => {}
            Expect::One(_) => p = p.audience(s.audiences[0]),
            Expect::Any(_) => p = p.audiences(&s.audiences),
        }
        if self.any_audience {
            p = p.any_audience();
        }
        if let Some(i) = self.subject {
            p = p.subject(pick(STRINGS, i));
        }
        if let Some(i) = self.typ {
            p = p.typ(pick(TYPS, i));
        }
        if !s.required.is_empty() {
            p = p.require_claims(&s.required);
        }
        if let Some(m) = self.max_age {
            p = p.max_age(m);
        }
        if self.allow_missing_exp {
            p = p.allow_missing_exp();
        }
        p
    }
}

/// One configured key.
#[derive(Arbitrary, Clone, Debug)]
pub struct KeyModel {
    pub signer: bool,
    /// Index into [`KIDS`].
    pub kid: Option<u8>,
}

/// Everything a verification depends on.
#[derive(Arbitrary, Clone, Debug)]
pub struct Case {
    pub alg: AlgChoice,
    pub header: Vec<HeaderMember>,
    pub header_ws: Ws,
    pub claims: Vec<ClaimMember>,
    pub claims_ws: Ws,
    pub policy: PolicyModel,
    /// The signer's `kid` (index into [`KIDS`]), if any.
    pub signer_kid: Option<u8>,
    /// Other keys, placed around the signer's; at most 2 are used.
    pub other_keys: Vec<KeyModel>,
    pub signer_pos: u8,
    pub now: u64,
}

/// The token written from a [`Case`], with what the model knows about it.
pub struct Built {
    pub token: String,
    pub header_json: String,
    pub claims_json: String,
    header: Vec<(Text, Value)>,
    header_first: Option<Structural>,
    claims: Vec<(Text, Value)>,
    claims_first: Option<Structural>,
}

/// What a verified token must expose.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Exposed {
    pub key_index: usize,
    pub alg: String,
    pub kid: Option<String>,
    pub typ: Option<String>,
    pub iss: Option<String>,
    pub sub: Option<String>,
    pub jti: Option<String>,
    pub aud: Option<Vec<String>>,
    pub exp: Option<(u64, bool)>,
    pub nbf: Option<(u64, bool)>,
    pub iat: Option<(u64, bool)>,
    pub payload: String,
}

fn write(members: &[(Text, Value)], ws: Ws) -> (String, Option<Structural>) {
    let mut w = Writer::default();
    w.object(members, ws);
    (w.out, w.first)
}

fn find<'m>(members: &'m [(Text, Value)], name: &str) -> Option<&'m Value> {
    members
        .iter()
        .find(|(n, _)| n.text() == name)
        .map(|(_, v)| v)
}

fn string_of(v: &Value) -> Option<String> {
    match v.kind() {
        Kind::String(s) => Some(s),
        _ => None,
    }
}

/// RFC 7515 §4.1.9 as `docs/security.md` states it: case-insensitive, `application/` optional.
fn typ_matches(typ: &str, expected: &str) -> bool {
    fn strip(s: &str) -> &str {
        let p = "application/";
        match s.get(..p.len()) {
            Some(head) if head.eq_ignore_ascii_case(p) => &s[p.len()..],
            _ => s,
        }
    }
    strip(typ).eq_ignore_ascii_case(strip(expected))
}

impl Case {
    /// The key models in configuration order: up to 2 others and the signer.
    fn key_models(&self) -> Vec<KeyModel> {
        let mut keys: Vec<KeyModel> = self.other_keys.iter().take(2).cloned().collect();
        let pos = usize::from(self.signer_pos) % (keys.len() + 1);
        keys.insert(
            pos,
            KeyModel {
                signer: true,
                kid: self.signer_kid,
            },
        );
        keys
    }

    /// The configured keys.
    pub fn keys(&self) -> Vec<VerifyingKey> {
        self.key_models()
            .iter()
            .map(|k| {
                let key = if k.signer {
                    sign::signer_key()
                } else {
                    sign::other_key()
                };
                match k.kid {
                    Some(i) => key.with_kid(pick(KIDS, i)).expect("short kid"),
                    None => key,
                }
            })
            .collect()
    }

    /// Writes and signs the token.
    pub fn build(&self) -> Built {
        let header: Vec<_> = self
            .alg
            .pair()
            .into_iter()
            .chain(self.header.iter().map(HeaderMember::pair))
            .collect();
        let claims: Vec<_> = self.claims.iter().map(ClaimMember::pair).collect();
        let (header_json, header_first) = write(&header, self.header_ws);
        let (claims_json, claims_first) = write(&claims, self.claims_ws);
        let token = sign::sign(header_json.as_bytes(), claims_json.as_bytes());
        Built {
            token,
            header_json,
            claims_json,
            header,
            header_first,
            claims,
            claims_first,
        }
    }

    /// The verdict edjwt must reach on `built` at `self.now`.
    pub fn expect(&self, built: &Built) -> Result<Exposed, Error> {
        let limits = self.policy.limits();
        if built.token.len() > limits.max_token_len {
            return Err(Error::TokenTooLarge);
        }
        let header_b64 = built.token.split('.').next().unwrap_or("");
        if header_b64.len() > limits.max_header_len {
            return Err(Error::HeaderTooLarge);
        }
        // Header: strict JSON, then alg, then crit/b64, then kid/typ types.
        if let Some(e) = built.header_first {
            return Err(e.error());
        }
        let h = &built.header;
        let alg = find(h, "alg").and_then(string_of);
        let alg = match alg.as_deref() {
            Some(a @ ("EdDSA" | "Ed25519")) => a.to_owned(),
            _ => return Err(Error::UnsupportedAlgorithm),
        };
        if find(h, "crit").is_some() || find(h, "b64").is_some() {
            return Err(Error::UnsupportedHeader);
        }
        let kid = find(h, "kid").map(string_of);
        let typ = find(h, "typ").map(string_of);
        if matches!(kid, Some(None)) || matches!(typ, Some(None)) {
            return Err(Error::Malformed);
        }
        let (kid, typ) = (kid.flatten(), typ.flatten());
        // Key selection: a token kid selects keys with that kid and keys without one.
        let models = self.key_models();
        let candidates: Vec<(usize, &KeyModel)> = models
            .iter()
            .enumerate()
            .filter(|(_, k)| match (&kid, k.kid) {
                (Some(want), Some(have)) => want == pick(KIDS, have),
                _ => true,
            })
            .collect();
        if candidates.is_empty() {
            return Err(Error::UnknownKey);
        }
        let key_index = candidates
            .iter()
            .find(|(_, k)| k.signer)
            .map(|(i, _)| *i)
            .ok_or(Error::BadSignature)?;
        // Claims: strict JSON, then registered claims' types.
        if let Some(e) = built.claims_first {
            return Err(e.error());
        }
        let c = &built.claims;
        let mut out = Exposed {
            key_index,
            alg,
            kid,
            typ,
            payload: built.claims_json.clone(),
            ..Exposed::default()
        };
        let mut invalid = false;
        for (n, v) in c {
            let date = || match v.kind() {
                Kind::Number(text) => numeric_date(&text),
                _ => None,
            };
            let slot = match n.text().as_str() {
                "iss" => Some(&mut out.iss),
                "sub" => Some(&mut out.sub),
                "jti" => Some(&mut out.jti),
                _ => None,
            };
            if let Some(slot) = slot {
                *slot = string_of(v);
                invalid |= slot.is_none();
                continue;
            }
            let slot = match n.text().as_str() {
                "exp" => Some(&mut out.exp),
                "nbf" => Some(&mut out.nbf),
                "iat" => Some(&mut out.iat),
                _ => None,
            };
            if let Some(slot) = slot {
                *slot = date();
                invalid |= slot.is_none();
                continue;
            }
            if n.text() == "aud" {
                out.aud = match v.kind() {
                    Kind::String(s) => Some(vec![s]),
                    Kind::Array(Some(all)) => Some(all),
                    _ => None,
                };
                invalid |= out.aud.is_none();
            }
        }
        if invalid {
            return Err(Error::InvalidClaim);
        }
        self.check_policy(&out, c)?;
        Ok(out)
    }

    /// The policy checks, in the order of `docs/security.md`.
    fn check_policy(&self, out: &Exposed, claims: &[(Text, Value)]) -> Result<(), Error> {
        let p = &self.policy;
        let now = self.now;
        let leeway = p.leeway;
        let ceil = |(s, f): (u64, bool)| if f { s.saturating_add(1) } else { s };
        if let Some(i) = p.typ {
            match &out.typ {
                Some(t) if typ_matches(t, pick(TYPS, i)) => {}
                _ => return Err(Error::WrongType),
            }
        }
        match out.exp {
            Some((s, _)) if now >= s.saturating_add(leeway) => return Err(Error::Expired),
            None if !p.allow_missing_exp => return Err(Error::MissingClaim),
            _ => {}
        }
        if let Some(nbf) = out.nbf {
            if now.saturating_add(leeway) < ceil(nbf) {
                return Err(Error::NotYetValid);
            }
        }
        if let Some(iat) = out.iat {
            if ceil(iat) > now.saturating_add(leeway) {
                return Err(Error::IssuedInFuture);
            }
        }
        if let Some(max_age) = p.max_age {
            let (iat, _) = out.iat.ok_or(Error::MissingClaim)?;
            if now >= iat.saturating_add(max_age).saturating_add(leeway) {
                return Err(Error::TooOld);
            }
        }
        if let Some(issuers) = PolicyModel::expected(&p.issuers) {
            let iss = out.iss.as_ref().ok_or(Error::MissingClaim)?;
            if !issuers.contains(&iss.as_str()) {
                return Err(Error::WrongIssuer);
            }
        }
        // RFC 7519 §4.1.3: a token carrying `aud` names its recipients; a policy that names
        // none identifies with none of them, unless it accepts any audience.
        if matches!(p.audiences, Expect::Unset) && !p.any_audience && out.aud.is_some() {
            return Err(Error::WrongAudience);
        }
        if let Some(audiences) = PolicyModel::expected(&p.audiences) {
            let aud = out.aud.as_ref().ok_or(Error::MissingClaim)?;
            if !aud.iter().any(|a| audiences.contains(&a.as_str())) {
                return Err(Error::WrongAudience);
            }
        }
        if let Some(i) = p.subject {
            let sub = out.sub.as_ref().ok_or(Error::MissingClaim)?;
            if sub != pick(STRINGS, i) {
                return Err(Error::WrongSubject);
            }
        }
        for i in &p.required {
            let name = pick(REQUIRED, *i);
            if !claims.iter().any(|(n, _)| n.text() == name) {
                return Err(Error::MissingClaim);
            }
        }
        Ok(())
    }
}

/// What a [`Verified`] token exposes, in the model's terms.
pub fn exposed(v: &Verified<'_>) -> Exposed {
    let s = |j: Option<edjwt::JsonStr<'_>>| j.map(|j| j.to_string());
    let d = |n: Option<edjwt::NumericDate>| n.map(|n| (n.seconds(), n.has_fraction()));
    let c = v.claims();
    Exposed {
        key_index: v.key_index(),
        alg: v.header().alg().as_str().to_owned(),
        kid: s(v.header().kid()),
        typ: s(v.header().typ()),
        iss: s(c.issuer()),
        sub: s(c.subject()),
        jti: s(c.jwt_id()),
        aud: c
            .audience()
            .map(|a| a.iter().map(|j| j.to_string()).collect()),
        exp: d(c.expires_at()),
        nbf: d(c.not_before()),
        iat: d(c.issued_at()),
        payload: v.payload().to_owned(),
    }
}
