//! An `arbitrary` model of JSON objects that is always written as syntactically valid,
//! strict JSON, with the escapes, number forms and whitespace real signers produce (and a
//! few they do not), duplicates, deep nesting and wide objects.
//!
//! The writer also records the first *structural* event in text order that edjwt must
//! reject: a duplicate member name (after unescaping), nesting deeper than
//! `MAX_JSON_DEPTH`, or more than `MAX_JSON_MEMBERS` names open at once.

use arbitrary::Arbitrary;
use edjwt::{MAX_JSON_DEPTH, MAX_JSON_MEMBERS};

/// Member names: header parameters, registered claims, JWK members and a few others.
pub const NAMES: &[&str] = &[
    "alg",
    "kid",
    "typ",
    "crit",
    "b64",
    "jwk",
    "iss",
    "sub",
    "aud",
    "exp",
    "nbf",
    "iat",
    "jti",
    "prefix",
    "x",
    "",
    "a",
    "keys",
    "\u{e9}",
    "\u{1f600}",
];

/// String values: algorithm names, types, kids, issuers, audiences, tricky text.
pub const STRINGS: &[&str] = &[
    "EdDSA",
    "Ed25519",
    "none",
    "eddsa",
    "HS256",
    "JWT",
    "at+jwt",
    "application/jwt",
    "rfc8037",
    "other",
    "https://issuer.example",
    "api",
    "alice",
    "",
    "\u{e9}",
    "\u{1f600}",
    "a\"b\\c/\u{1}",
    "\u{2028}",
    "application/",
    "Application/AT+JWT",
];

/// A JSON string: which text, and how to escape it.
#[derive(Arbitrary, Clone, Debug)]
pub enum Text {
    Name(u8, Escapes),
    Str(u8, Escapes),
    Chars(Vec<char>, Escapes),
}

/// Which characters to escape and in which form. Characters that must be escaped (`"`,
/// `\`, controls) always are.
#[derive(Arbitrary, Clone, Copy, Debug)]
pub struct Escapes {
    mask: u64,
    upper_hex: bool,
    prefer_short: bool,
}

impl Escapes {
    /// Escape only what must be escaped.
    pub const NONE: Escapes = Escapes {
        mask: 0,
        upper_hex: false,
        prefer_short: true,
    };
}

impl Text {
    /// `text` written with only the escapes it needs.
    pub fn plain(text: &str) -> Text {
        Text::Chars(text.chars().collect(), Escapes::NONE)
    }

    /// The unescaped text.
    pub fn text(&self) -> String {
        match self {
            Text::Name(i, _) => NAMES[usize::from(*i) % NAMES.len()].to_owned(),
            Text::Str(i, _) => STRINGS[usize::from(*i) % STRINGS.len()].to_owned(),
            Text::Chars(chars, _) => chars.iter().collect(),
        }
    }

    fn escapes(&self) -> Escapes {
        match self {
            Text::Name(_, e) | Text::Str(_, e) | Text::Chars(_, e) => *e,
        }
    }

    /// The JSON text, quotes included.
    pub fn json(&self) -> String {
        write_string(&self.text(), self.escapes())
    }
}

/// Writes `text` as a JSON string literal.
pub fn write_string(text: &str, e: Escapes) -> String {
    let mut out = String::from("\"");
    for (i, c) in text.chars().enumerate() {
        let forced = c == '"' || c == '\\' || u32::from(c) < 0x20;
        if !forced && (e.mask >> (i % 64)) & 1 == 0 {
            out.push(c);
            continue;
        }
        let short = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '/' => Some("\\/"),
            '\u{8}' => Some("\\b"),
            '\u{c}' => Some("\\f"),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            _ => None,
        };
        match short {
            Some(s) if e.prefer_short => out.push_str(s),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    if e.upper_hex {
                        out.push_str(&format!("\\u{unit:04X}"));
                    } else {
                        out.push_str(&format!("\\u{unit:04x}"));
                    }
                }
            }
        }
    }
    out.push('"');
    out
}

/// A JSON number, always matching the RFC 8259 grammar.
#[derive(Arbitrary, Clone, Debug)]
pub struct Number {
    negative: bool,
    int: IntPart,
    frac: Option<Vec<u8>>,
    exp: Option<Exponent>,
}

#[derive(Arbitrary, Clone, Debug)]
enum IntPart {
    Small(u32),
    Large(u64),
    Digits(Vec<u8>),
}

#[derive(Arbitrary, Clone, Debug)]
struct Exponent {
    upper: bool,
    sign: u8,
    digits: Vec<u8>,
}

fn digit_string(bytes: &[u8]) -> String {
    let s: String = bytes.iter().map(|b| char::from(b'0' + b % 10)).collect();
    if s.is_empty() {
        "0".to_owned()
    } else {
        s
    }
}

impl Number {
    /// A non-negative integer.
    pub fn integer(value: u64) -> Self {
        Number {
            negative: false,
            int: IntPart::Large(value),
            frac: None,
            exp: None,
        }
    }

    /// A negative integer, `-value`.
    pub fn negative_integer(value: u64) -> Self {
        Number {
            negative: true,
            ..Number::integer(value)
        }
    }

    /// The number's text.
    pub fn json(&self) -> String {
        let mut out = String::new();
        if self.negative {
            out.push('-');
        }
        match &self.int {
            IntPart::Small(v) => out.push_str(&v.to_string()),
            IntPart::Large(v) => out.push_str(&v.to_string()),
            IntPart::Digits(d) => {
                let s = digit_string(d);
                let s = s.trim_start_matches('0');
                out.push_str(if s.is_empty() { "0" } else { s });
            }
        }
        if let Some(frac) = &self.frac {
            out.push('.');
            out.push_str(&digit_string(frac));
        }
        if let Some(e) = &self.exp {
            out.push(if e.upper { 'E' } else { 'e' });
            match e.sign % 3 {
                1 => out.push('+'),
                2 => out.push('-'),
                _ => {}
            }
            out.push_str(&digit_string(&e.digits));
        }
        out
    }
}

/// Whitespace choice around punctuation (RFC 8259 `ws`), mostly none.
#[derive(Arbitrary, Clone, Copy, Debug)]
pub struct Ws(u8);

impl Ws {
    fn get(self, slot: u8) -> &'static str {
        const WS: [&str; 8] = ["", "", "", " ", "\n", "\t", "\r\n", "  "];
        WS[usize::from(self.0.rotate_left(u32::from(slot) * 3)) % WS.len()]
    }
}

/// A JSON value.
#[derive(Arbitrary, Clone, Debug)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Number),
    String(Text),
    Array(Vec<Value>, Ws),
    Object(Vec<(Text, Value)>, Ws),
    /// `1 + depth % 40` arrays (or objects with one member `"a"`) around a value: reaches
    /// the depth limit cheaply.
    Nest {
        depth: u8,
        objects: bool,
        inner: Box<Value>,
    },
    /// An object with `count` members `"m0"`, `"m1"`, ... (value `0`) then `"z": last`:
    /// reaches the member table limit cheaply.
    Wide {
        count: u8,
        last: Box<Value>,
    },
}

/// What edjwt's walk must stop at first, in text order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Structural {
    Duplicate,
    TooDeep,
    TooManyMembers,
}

impl Structural {
    /// The error edjwt reports for it.
    pub fn error(self) -> edjwt::Error {
        match self {
            Structural::Duplicate => edjwt::Error::Malformed,
            Structural::TooDeep => edjwt::Error::NestingTooDeep,
            Structural::TooManyMembers => edjwt::Error::TooManyMembers,
        }
    }
}

/// Writes JSON and tracks the open containers as edjwt's walk sees them.
#[derive(Default)]
pub struct Writer {
    pub out: String,
    /// Member names (unescaped) of each open container; `None` for arrays.
    open: Vec<Option<Vec<String>>>,
    open_names: usize,
    pub first: Option<Structural>,
}

impl Writer {
    fn event(&mut self, e: Structural) {
        if self.first.is_none() {
            self.first = Some(e);
        }
    }

    fn open(&mut self, object: bool) {
        if self.open.len() >= MAX_JSON_DEPTH {
            self.event(Structural::TooDeep);
        }
        self.open.push(object.then(Vec::new));
        self.out.push(if object { '{' } else { '[' });
    }

    fn close(&mut self) {
        if let Some(Some(names)) = self.open.pop() {
            self.open_names -= names.len();
            self.out.push('}');
        } else {
            self.out.push(']');
        }
    }

    fn key(&mut self, name: &str, json: &str) {
        let dup = matches!(self.open.last(), Some(Some(names)) if names.iter().any(|n| n == name));
        if dup {
            self.event(Structural::Duplicate);
        } else if self.open_names >= MAX_JSON_MEMBERS {
            self.event(Structural::TooManyMembers);
        }
        if let Some(Some(names)) = self.open.last_mut() {
            names.push(name.to_owned());
            self.open_names += 1;
        }
        self.out.push_str(json);
    }

    /// Writes a top-level object from its members.
    pub fn object(&mut self, members: &[(Text, Value)], ws: Ws) {
        self.out.push_str(ws.get(0));
        self.open(true);
        for (i, (name, value)) in members.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.out.push_str(ws.get(1));
            self.key(&name.text(), &name.json());
            self.out.push_str(ws.get(2));
            self.out.push(':');
            self.out.push_str(ws.get(3));
            self.value(value);
            self.out.push_str(ws.get(4));
        }
        self.close();
        self.out.push_str(ws.get(5));
    }

    /// Writes any value.
    pub fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.out.push_str("null"),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => self.out.push_str(&n.json()),
            Value::String(t) => self.out.push_str(&t.json()),
            Value::Array(items, ws) => {
                self.open(false);
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.out.push_str(ws.get(1));
                    self.value(item);
                    self.out.push_str(ws.get(2));
                }
                self.close();
            }
            Value::Object(members, ws) => {
                self.open(true);
                for (i, (name, value)) in members.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.out.push_str(ws.get(1));
                    self.key(&name.text(), &name.json());
                    self.out.push(':');
                    self.out.push_str(ws.get(2));
                    self.value(value);
                }
                self.close();
            }
            Value::Nest {
                depth,
                objects,
                inner,
            } => {
                let depth = 1 + usize::from(*depth) % 40;
                for _ in 0..depth {
                    self.open(*objects);
                    if *objects {
                        self.key("a", "\"a\"");
                        self.out.push(':');
                    }
                }
                self.value(inner);
                for _ in 0..depth {
                    self.close();
                }
            }
            Value::Wide { count, last } => {
                self.open(true);
                for i in 0..*count {
                    let name = format!("m{i}");
                    self.key(&name, &format!("\"{name}\""));
                    self.out.push_str(":0,");
                }
                self.key("z", "\"z\"");
                self.out.push(':');
                self.value(last);
                self.close();
            }
        }
    }
}

/// The JSON type of a value, as far as registered claims care.
pub enum Kind {
    String(String),
    Number(String),
    /// An array; `Some(strings)` when every element is a string.
    Array(Option<Vec<String>>),
    Other,
}

impl Value {
    /// The value's kind.
    pub fn kind(&self) -> Kind {
        match self {
            Value::String(t) => Kind::String(t.text()),
            Value::Number(n) => Kind::Number(n.json()),
            Value::Array(items, _) => Kind::Array(
                items
                    .iter()
                    .map(|i| match i {
                        Value::String(t) => Some(t.text()),
                        _ => None,
                    })
                    .collect(),
            ),
            Value::Nest {
                depth,
                objects: false,
                inner,
            } => {
                let depth = 1 + usize::from(*depth) % 40;
                match (depth, inner.as_ref()) {
                    (1, Value::String(t)) => Kind::Array(Some(vec![t.text()])),
                    _ => Kind::Array(None),
                }
            }
            _ => Kind::Other,
        }
    }
}
