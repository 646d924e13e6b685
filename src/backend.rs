//! The Ed25519 backend behind [`VerifyingKey`](crate::VerifyingKey): `ed25519-compact` by
//! default, `ed25519-dalek` 3 (`curve25519-dalek` 5) with the `dalek` feature. No backend type
//! is public.
//!
//! Both backends load keys through the same rule (`ed25519-compact`'s `validate`: canonical
//! encoding, not of small order), so a key set means the same under either, and neither
//! checks the key again per signature. Both reject S >= L and a small-order or non-canonical
//! R, and both accept exactly the signatures of the cofactored equation
//! (`[8][S]B = [8]R + [8][k]A`, `ed25519-compact`'s): one verdict for every signature,
//! whichever backend a host picks. The `dalek` backend gets there without decoding R for a
//! valid signature: `[S]B - [k]A` compressed equals R's bytes (the cofactorless equation,
//! which implies the cofactored one); only when it does not is R decoded, to accept the
//! mixed-order signatures of "Taming the many EdDSAs" cases 4 and 5 (R off by a point of
//! small order), which only the key holder can produce.

#[cfg(feature = "dalek")]
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
#[cfg(feature = "dalek")]
use curve25519_dalek::scalar::Scalar;
#[cfg(feature = "dalek")]
use sha2::{Digest, Sha512};

use crate::error::Error;

/// A validated public key in the backend's own form.
#[derive(Clone)]
pub(crate) struct PublicKey {
    #[cfg(not(feature = "dalek"))]
    key: ed25519_compact::PublicKey,
    /// The encoding, hashed into every challenge.
    #[cfg(feature = "dalek")]
    bytes: [u8; 32],
    /// `-A`, decoded and negated once when loaded, so each verification starts at the
    /// double scalar multiplication.
    #[cfg(feature = "dalek")]
    minus_a: EdwardsPoint,
}

impl PublicKey {
    /// Validates and converts a 32-byte encoding.
    pub(crate) fn from_bytes(bytes: &[u8; 32]) -> Result<Self, Error> {
        ed25519_compact::PublicKey::new(*bytes)
            .validate()
            .map_err(|_| Error::WeakKey)?;
        #[cfg(not(feature = "dalek"))]
        return Ok(PublicKey {
            key: ed25519_compact::PublicKey::new(*bytes),
        });
        #[cfg(feature = "dalek")]
        return Ok(PublicKey {
            bytes: *bytes,
            // Negation in the group (x -> -x mod p): nothing to overflow, called by name
            // because the integer-overflow lint cannot tell.
            minus_a: core::ops::Neg::neg(
                ed25519_dalek::VerifyingKey::from_bytes(bytes)
                    .map_err(|_| Error::WeakKey)?
                    .to_edwards(),
            ),
        });
    }

    /// The 32-byte encoding.
    pub(crate) fn to_bytes(&self) -> [u8; 32] {
        #[cfg(not(feature = "dalek"))]
        return *self.key;
        #[cfg(feature = "dalek")]
        return self.bytes;
    }

    /// RFC 8032 §5.1.7 verification with the backend's checks.
    #[cfg(not(feature = "dalek"))]
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        self.key
            .verify(message, &ed25519_compact::Signature::new(*signature))
            .is_ok()
    }

    /// RFC 8032 §5.1.7 verification with the strict checks on R and S, cofactored (as
    /// `ed25519-compact`), decoding R only for a signature the cofactorless equation refuses.
    ///
    /// The equation is computed here on `curve25519-dalek` rather than through
    /// `ed25519-dalek`'s `verify_strict`, which decodes R on every call only to ask whether
    /// it has small order (the encoding list answers that), is cofactorless, and whose error
    /// is a boxed value once any crate in the build enables `ed25519-dalek/alloc`.
    #[cfg(feature = "dalek")]
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        let (r, s) = signature.split_at(32);
        let (Ok(r), Ok(s)) = (<&[u8; 32]>::try_from(r), <[u8; 32]>::try_from(s)) else {
            return false;
        };
        // RFC 8032 §5.1.7 step 1: "If any of the decodings fail (including S being out of
        // range), the signature is invalid." S must be below L (no malleable S + L).
        let Some(s) = Option::<Scalar>::from(Scalar::from_canonical_bytes(s)) else {
            return false;
        };
        // A small-order R, canonical or not, lets a signer forge for weak keys and is not a
        // point any honest signer commits to.
        if has_small_order_encoding(r) {
            return false;
        }
        // k = SHA-512(R || A || M) mod L.
        let k = Scalar::from_hash(
            Sha512::new()
                .chain_update(r)
                .chain_update(self.bytes)
                .chain_update(message),
        );
        let q = EdwardsPoint::vartime_double_scalar_mul_basepoint(&k, &self.minus_a, &s);
        // The cofactorless equation: [S]B - [k]A compressed is R's exact bytes. Every honest
        // signature takes this path, and R needs no decoding (a non-canonical R never equals
        // a canonical encoding).
        if q.compress().as_bytes() == r {
            return true;
        }
        // Otherwise the cofactored one, as ed25519-compact: R canonical and decodable, and
        // [S]B - [k]A - R of small order.
        if !is_canonical_y(r) {
            return false;
        }
        match CompressedEdwardsY(*r).decompress() {
            // Subtraction in the group: nothing to overflow (called by name for the lint).
            Some(r) => core::ops::Sub::sub(q, r).is_small_order(),
            None => false,
        }
    }
}

/// The y coordinates of the eight points of small order (the torsion subgroup of
/// edwards25519), as 32-byte little-endian encodings with the sign bit clear: every
/// encoding whose bytes, sign bit ignored, equal one of these decodes (leniently) to a point
/// of small order, and there are no others. Canonical: 0 (order 4, x = ±sqrt(-1)), 1 (the
/// identity), the two y of the order-8 points, p - 1 (order 2). Non-canonical (y >= p):
/// p and p + 1, which reduce to 0 and 1. With both sign bits that is 14 encodings, including
/// the non-canonical x = 0 with the sign bit set for y = 1 and y = p - 1.
///
/// This is libsodium's fixed list (`ge25519_has_small_order` in
/// `crypto_core/ed25519/ref10/ed25519_ref10.c`, also compared with the sign bit masked);
/// the unit tests below derive it from curve25519-dalek's `EIGHT_TORSION` and check that
/// ed25519-compact rejects a signature whose R is any of the 14 encodings.
#[cfg(feature = "dalek")]
const SMALL_ORDER_Y: [[u8; 32]; 7] = [
    // 0 (order 4)
    [0; 32],
    // 1 (order 1)
    [
        0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0,
    ],
    // 2707385501144840649318225287225658788936804267575313519463743609750303402022 (order 8)
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x05,
    ],
    // 55188659117513257062467267217118295137698188065244968500265048394206261417927 (order 8)
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0x7a,
    ],
    // p - 1 (order 2)
    [
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    // p (non-canonical 0, order 4)
    [
        0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    // p + 1 (non-canonical 1, order 1)
    [
        0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
];

/// Whether the y coordinate of `encoding` (its sign bit ignored) is below p = 2^255 - 19:
/// RFC 8032 §5.1.3 step 1, "if the y-coordinate is >= p, decoding fails". The only
/// non-canonical values are p to 2^255 - 1: bytes 0xed..=0xff, then thirty 0xff, then 0x7f.
#[cfg(feature = "dalek")]
fn is_canonical_y(encoding: &[u8; 32]) -> bool {
    let [first, middle @ .., last] = encoding;
    !(*first >= 0xed && middle.iter().all(|&b| b == 0xff) && *last & 0x7f == 0x7f)
}

/// Whether `encoding`, its sign bit ignored, is one of [`SMALL_ORDER_Y`].
#[cfg(feature = "dalek")]
fn has_small_order_encoding(encoding: &[u8; 32]) -> bool {
    let mut y = *encoding;
    if let Some(last) = y.last_mut() {
        *last &= 0x7f;
    }
    SMALL_ORDER_Y.contains(&y)
}

#[cfg(all(test, feature = "dalek"))]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    extern crate std;

    use std::collections::BTreeSet;

    use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
    use curve25519_dalek::edwards::CompressedEdwardsY;

    use super::*;

    /// The 14 encodings of [`SMALL_ORDER_Y`]: each y with the sign bit clear and set.
    fn listed() -> BTreeSet<[u8; 32]> {
        SMALL_ORDER_Y
            .iter()
            .flat_map(|y| {
                let mut signed = *y;
                signed[31] |= 0x80;
                [*y, signed]
            })
            .collect()
    }

    /// Every encoding of every point of small order, derived from the torsion subgroup:
    /// the canonical encoding; with the sign bit flipped when x = 0 (the sign of 0 is
    /// "either" to a lenient decoder); and y + p, with both sign bits, where y + p < 2^255.
    fn derived() -> BTreeSet<[u8; 32]> {
        let mut all = BTreeSet::new();
        for point in EIGHT_TORSION {
            let canonical = point.compress().to_bytes();
            all.insert(canonical);
            if (-point).compress() == point.compress() {
                let mut flipped = canonical;
                flipped[31] ^= 0x80;
                all.insert(flipped);
            }
            let mut y = canonical;
            y[31] &= 0x7f;
            // p = 2^255 - 19: y + p fits in 255 bits exactly when y < 19.
            if y[1..].iter().all(|&b| b == 0) && y[0] < 19 {
                let mut plus_p = [0xff; 32];
                plus_p[0] = 0xed + y[0];
                plus_p[31] = 0x7f;
                all.insert(plus_p);
                plus_p[31] |= 0x80;
                all.insert(plus_p);
            }
        }
        all
    }

    #[test]
    fn the_list_is_every_encoding_of_every_small_order_point() {
        assert_eq!(EIGHT_TORSION.len(), 8);
        assert_eq!(derived().len(), 14);
        assert_eq!(listed(), derived());
        let canonical: BTreeSet<[u8; 32]> = EIGHT_TORSION
            .iter()
            .map(|p| p.compress().to_bytes())
            .collect();
        assert_eq!(canonical.len(), 8);
        for encoding in listed() {
            let point = CompressedEdwardsY(encoding).decompress().unwrap();
            assert!(point.is_small_order(), "{encoding:02x?}");
            assert!(has_small_order_encoding(&encoding));
            // The other backend: the canonical ones are weak (small order), the others do
            // not decode.
            let verdict = ed25519_compact::PublicKey::new(encoding).validate();
            if canonical.contains(&encoding) {
                assert_eq!(verdict, Err(ed25519_compact::Error::WeakPublicKey));
            } else {
                assert_eq!(verdict, Err(ed25519_compact::Error::InvalidPublicKey));
            }
        }
        // A point of prime order and a neighbour of each listed y are not in the list.
        let b = ED25519_BASEPOINT_POINT.compress().to_bytes();
        assert!(!has_small_order_encoding(&b));
        for y in SMALL_ORDER_Y {
            let mut near = y;
            near[1] ^= 0x01;
            assert!(!has_small_order_encoding(&near), "{near:02x?}");
        }
    }

    /// A real signature with R replaced by each listed encoding: ed25519-compact (the other
    /// backend) rejects every one, and so does this one. S is recomputed for the new R, so
    /// the rejection is R's and not a stale challenge's.
    #[test]
    fn both_backends_reject_every_small_order_r() {
        let kp = ed25519_compact::KeyPair::from_seed(ed25519_compact::Seed::new([7; 32]));
        let key = PublicKey::from_bytes(&kp.pk).unwrap();
        let a = {
            let h = Sha512::digest(kp.sk.seed().as_ref());
            let mut scalar = [0u8; 32];
            scalar.copy_from_slice(&h[..32]);
            Scalar::from_bytes_mod_order(curve25519_dalek::scalar::clamp_integer(scalar))
        };
        let message = b"header.payload";
        for r in listed() {
            // With R of small order, a signature that satisfies the cofactored equation:
            // S = k * a, so [S]B - [k]A = 0 and R - 0 has small order.
            let k = Scalar::from_hash(
                Sha512::new()
                    .chain_update(r)
                    .chain_update(*kp.pk)
                    .chain_update(message),
            );
            let s = k * a;
            let mut signature = [0u8; 64];
            signature[..32].copy_from_slice(&r);
            signature[32..].copy_from_slice(s.as_bytes());
            assert!(
                kp.pk
                    .verify(message, &ed25519_compact::Signature::new(signature))
                    .is_err(),
                "{r:02x?}"
            );
            assert!(!key.verify(message, &signature), "{r:02x?}");
        }
        // The same construction with the identity's canonical encoding and the list bypassed
        // satisfies the cofactorless equation: the list is what rejects it.
        let identity = SMALL_ORDER_Y[1];
        let k = Scalar::from_hash(
            Sha512::new()
                .chain_update(identity)
                .chain_update(*kp.pk)
                .chain_update(message),
        );
        let recomputed =
            EdwardsPoint::vartime_double_scalar_mul_basepoint(&k, &key.minus_a, &(k * a));
        assert_eq!(recomputed.compress().to_bytes(), identity);
    }

    /// L, the order of the base point (RFC 8032 §5.1), little-endian.
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];

    #[test]
    fn s_at_or_above_l_is_rejected_and_an_honest_signature_verifies() {
        let kp = ed25519_compact::KeyPair::from_seed(ed25519_compact::Seed::new([9; 32]));
        let key = PublicKey::from_bytes(&kp.pk).unwrap();
        let message = b"header.payload";
        let signature = *kp.sk.sign(message, None);
        assert!(key.verify(message, &signature));
        // S + L: the same point equation, a different encoding (S + L < 2^254 fits).
        let mut malleated = signature;
        let mut carry = 0u16;
        for (byte, l) in malleated[32..].iter_mut().zip(L) {
            let sum = u16::from(*byte) + u16::from(l) + carry;
            *byte = sum.to_le_bytes()[0];
            carry = sum >> 8;
        }
        assert_eq!(carry, 0);
        assert_ne!(malleated, signature);
        assert!(!key.verify(message, &malleated));
        // L itself, and S with the top bit set.
        let mut at_l = signature;
        at_l[32..].copy_from_slice(&L);
        assert!(!key.verify(message, &at_l));
        let mut high = signature;
        high[63] |= 0x80;
        assert!(!key.verify(message, &high));
    }
}
