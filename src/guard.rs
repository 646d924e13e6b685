//! Caller-chosen claim types never panic: a `serde` deserializer wrapped around
//! `serde-json-core`'s that answers what it would otherwise abort on.
//!
//! `serde-json-core` (0.7) hits `unreachable!()` when a map key is asked for as anything but
//! a string (`heapless::LinearMap<u32, _>`, `LinearMap<bool, _>`, enum keys), and hands a
//! float visitor NaN for `null` and ±inf for `1e400`. A claim type is the caller's choice and
//! the payload is the token's, so neither may reach those paths. Every visitor, map, sequence,
//! enum and seed `T` sees passes through this module: map keys are offered only as strings
//! (anything else is an error before `serde-json-core` sees the request), and a float that is
//! not finite is an error. Errors are this module's own type, so a visitor's
//! `Error::custom(message)` never formats the token's text inside `serde-json-core` either.
//!
//! Written here because no `no_std`, allocation-free crate wraps a deserializer this way
//! (`serde_path_to_error` and `serde_ignored` need `alloc`).

use core::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};

/// A guarded deserialization failed: the claims do not fit the caller's type. The one value
/// carries no text, so no message built from the token is formatted anywhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Invalid;

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid claim")
    }
}

impl de::StdError for Invalid {}

impl de::Error for Invalid {
    fn custom<T: fmt::Display>(_message: T) -> Self {
        Invalid
    }
}

/// Deserializes `T` from `json` (strict JSON this crate validated), unescaping strings that
/// keep an escape into `unescape`, which must hold the longest of them (the caller checks).
pub(crate) fn deserialize<'de, T: de::Deserialize<'de>>(
    json: &'de [u8],
    unescape: &mut [u8],
) -> Result<T, Invalid> {
    let mut inner = serde_json_core::de::Deserializer::new(json, Some(unescape));
    let value = T::deserialize(Guarded(&mut inner))?;
    inner.end().map_err(|_| Invalid)?;
    Ok(value)
}

/// A guarded deserializer (or any part of one the inner deserializer hands out).
struct Guarded<D>(D);

/// The same for a map key: only string-like requests are passed on.
struct Key<D>(D);

/// A visitor whose every callback is passed guarded parts.
struct GuardedVisitor<V>(V);

/// A seed whose deserializer is guarded.
struct GuardedSeed<S>(S);

/// A seed for a map key.
struct KeySeed<S>(S);

/// The sequence, map and enum accesses, guarded.
struct GuardedSeq<A>(A);
struct GuardedMap<A>(A);
struct GuardedEnum<A>(A);
struct GuardedVariant<A>(A);

/// A result of the caller's code (error [`Invalid`]) in the inner deserializer's error type.
fn to_inner<T, E: de::Error>(value: Result<T, Invalid>) -> Result<T, E> {
    value.map_err(E::custom)
}

/// A result of the inner deserializer in this module's error type.
fn from_inner<T, E>(value: Result<T, E>) -> Result<T, Invalid> {
    value.map_err(|_| Invalid)
}

/// Forwards `deserialize_*` methods to the wrapped deserializer with a guarded visitor.
macro_rules! forward_guarded {
    ($($method:ident $(($($arg:ident: $ty:ty),*))?,)*) => {$(
        fn $method<V: Visitor<'de>>(
            self,
            $($($arg: $ty,)*)?
            visitor: V,
        ) -> Result<V::Value, Invalid> {
            from_inner(self.0.$method($($($arg,)*)? GuardedVisitor(visitor)))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Guarded<D> {
    type Error = Invalid;

    forward_guarded! {
        deserialize_any, deserialize_bool,
        deserialize_i8, deserialize_i16, deserialize_i32, deserialize_i64, deserialize_i128,
        deserialize_u8, deserialize_u16, deserialize_u32, deserialize_u64, deserialize_u128,
        deserialize_f32, deserialize_f64, deserialize_char, deserialize_str, deserialize_string,
        deserialize_bytes, deserialize_byte_buf, deserialize_option, deserialize_unit,
        deserialize_unit_struct(name: &'static str),
        deserialize_newtype_struct(name: &'static str),
        deserialize_seq, deserialize_tuple(len: usize),
        deserialize_tuple_struct(name: &'static str, len: usize),
        deserialize_map,
        deserialize_struct(name: &'static str, fields: &'static [&'static str]),
        deserialize_enum(name: &'static str, variants: &'static [&'static str]),
        deserialize_identifier, deserialize_ignored_any,
    }
}

/// Answers `deserialize_*` methods of [`Key`] with an error: a JSON object key is a
/// string, and `serde-json-core` panics when asked for it as anything else.
macro_rules! refuse {
    ($($method:ident $(($($arg:ident: $ty:ty),*))?,)*) => {$(
        fn $method<V: Visitor<'de>>(
            self,
            $($(_: $ty,)*)?
            _visitor: V,
        ) -> Result<V::Value, Invalid> {
            Err(Invalid)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Key<D> {
    type Error = Invalid;

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        from_inner(self.0.deserialize_str(GuardedVisitor(visitor)))
    }

    /// `serde-json-core` answers `deserialize_string` on a key with a panic; a `str` is
    /// the same request.
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        from_inner(self.0.deserialize_str(GuardedVisitor(visitor)))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        from_inner(self.0.deserialize_identifier(GuardedVisitor(visitor)))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        from_inner(self.0.deserialize_ignored_any(GuardedVisitor(visitor)))
    }

    refuse! {
        deserialize_any, deserialize_bool,
        deserialize_i8, deserialize_i16, deserialize_i32, deserialize_i64, deserialize_i128,
        deserialize_u8, deserialize_u16, deserialize_u32, deserialize_u64, deserialize_u128,
        deserialize_f32, deserialize_f64, deserialize_char,
        deserialize_bytes, deserialize_byte_buf, deserialize_option, deserialize_unit,
        deserialize_unit_struct(name: &'static str),
        deserialize_newtype_struct(name: &'static str),
        deserialize_seq, deserialize_tuple(len: usize),
        deserialize_tuple_struct(name: &'static str, len: usize),
        deserialize_map,
        deserialize_struct(name: &'static str, fields: &'static [&'static str]),
        deserialize_enum(name: &'static str, variants: &'static [&'static str]),
    }
}

/// Forwards plain `visit_*` callbacks (no nested deserializer) to the caller's visitor.
macro_rules! forward_visit {
    ($($method:ident($ty:ty),)*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            to_inner(self.0.$method(v))
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for GuardedVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    forward_visit! {
        visit_bool(bool),
        visit_i8(i8), visit_i16(i16), visit_i32(i32), visit_i64(i64), visit_i128(i128),
        visit_u8(u8), visit_u16(u16), visit_u32(u32), visit_u64(u64), visit_u128(u128),
        visit_char(char), visit_str(&str), visit_borrowed_str(&'de str),
        visit_bytes(&[u8]), visit_borrowed_bytes(&'de [u8]),
    }

    /// A number claim is a number: `null` (which `serde-json-core` hands over as NaN) and
    /// exponents beyond the type's range (±inf) are invalid, never silently something else.
    fn visit_f32<E: de::Error>(self, v: f32) -> Result<Self::Value, E> {
        if !v.is_finite() {
            return Err(E::custom(Invalid));
        }
        to_inner(self.0.visit_f32(v))
    }

    /// As [`visit_f32`](Self::visit_f32).
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if !v.is_finite() {
            return Err(E::custom(Invalid));
        }
        to_inner(self.0.visit_f64(v))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        to_inner(self.0.visit_none())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        to_inner(self.0.visit_unit())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        to_inner(self.0.visit_some(Guarded(deserializer)))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        to_inner(self.0.visit_newtype_struct(Guarded(deserializer)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        to_inner(self.0.visit_seq(GuardedSeq(seq)))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        to_inner(self.0.visit_map(GuardedMap(map)))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        to_inner(self.0.visit_enum(GuardedEnum(data)))
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for GuardedSeed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        to_inner(self.0.deserialize(Guarded(deserializer)))
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        to_inner(self.0.deserialize(Key(deserializer)))
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for GuardedSeq<A> {
    type Error = Invalid;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Invalid> {
        from_inner(self.0.next_element_seed(GuardedSeed(seed)))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for GuardedMap<A> {
    type Error = Invalid;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Invalid> {
        from_inner(self.0.next_key_seed(KeySeed(seed)))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Invalid> {
        from_inner(self.0.next_value_seed(GuardedSeed(seed)))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for GuardedEnum<A> {
    type Error = Invalid;
    type Variant = GuardedVariant<A::Variant>;

    /// The variant's name is a JSON string (a unit variant `"A"`, or the key of
    /// `{"A": ...}`): asked for as a key.
    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), Invalid> {
        let (value, variant) = from_inner(self.0.variant_seed(KeySeed(seed)))?;
        Ok((value, GuardedVariant(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for GuardedVariant<A> {
    type Error = Invalid;

    fn unit_variant(self) -> Result<(), Invalid> {
        from_inner(self.0.unit_variant())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Invalid> {
        from_inner(self.0.newtype_variant_seed(GuardedSeed(seed)))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Invalid> {
        from_inner(self.0.tuple_variant(len, GuardedVisitor(visitor)))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Invalid> {
        from_inner(self.0.struct_variant(fields, GuardedVisitor(visitor)))
    }
}
