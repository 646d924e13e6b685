//! Differential: edjwt's Ed25519 verdict (`VerifyingKey::from_slice` + `verify_signature`)
//! against ed25519-compact and against a strict reference written here on curve25519-dalek
//! the way RFC 8032 §5.1.7 reads (decode R, reject a non-canonical or small-order R and
//! S >= L, then compare points, not encodings). Built with the crate's `dalek` feature
//! (`cargo +nightly fuzz build --features dalek`) or without, edjwt must equal
//! ed25519-compact: both backends give one verdict, the cofactored equation's. The strict
//! (cofactorless) reference may differ from them only on a signature that holds under the
//! cofactored equation and not the cofactorless one (R off from `[S]B - [k]A` by a nonzero
//! point of small order), which only the key holder can make.
//!
//! Inputs are arbitrary keys and signatures, or signatures made with a key the target knows:
//! honest, with a point of small order added to R or to the key, with R replaced by one of
//! the small-order encodings (canonical or not), with S + L, with one bit flipped.
#![no_main]

use arbitrary::Arbitrary;
use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::{clamp_integer, Scalar};
use edjwt::{Error, VerifyingKey};
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha512};

#[derive(Arbitrary, Debug)]
enum Key {
    /// Any 32 bytes.
    Raw([u8; 32]),
    /// `[a]B` for a secret derived from the seed, plus `EIGHT_TORSION[torsion % 8]`
    /// (0 is the identity: an honest key).
    Secret { seed: [u8; 32], torsion: u8 },
}

#[derive(Arbitrary, Debug)]
enum R {
    /// `[r]B + EIGHT_TORSION[torsion % 8]`, canonically encoded.
    Nonce { nonce: [u8; 32], torsion: u8 },
    /// The canonical encoding, or the non-canonical ones (sign bit set on x = 0, y + p), of
    /// a point of small order.
    SmallOrder { torsion: u8, variant: u8 },
}

#[derive(Arbitrary, Debug)]
enum Signature {
    /// Any 64 bytes.
    Raw([u8; 64]),
    /// S = r + k a for the chosen R (so the equation holds up to the torsion added).
    Signed {
        r: R,
        /// Encode S + L instead of S.
        plus_l: bool,
        /// Flip bit `flip % 512` of the 64 bytes when `Some`.
        flip: Option<u16>,
    },
}

#[derive(Arbitrary, Debug)]
struct Input {
    key: Key,
    message: Vec<u8>,
    signature: Signature,
}

/// L, the order of the base point, little-endian (RFC 8032 §5.1).
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

fn secret(seed: &[u8; 32]) -> Scalar {
    let h = Sha512::digest(seed);
    Scalar::from_bytes_mod_order(clamp_integer(h[..32].try_into().unwrap()))
}

fn challenge(r: &[u8], a: &[u8], message: &[u8]) -> Scalar {
    let h: [u8; 64] = Sha512::new()
        .chain_update(r)
        .chain_update(a)
        .chain_update(message)
        .finalize()
        .into();
    Scalar::from_bytes_mod_order_wide(&h)
}

fn small_order_encoding(torsion: u8, variant: u8) -> [u8; 32] {
    let point = EIGHT_TORSION[usize::from(torsion % 8)];
    let mut bytes = point.compress().to_bytes();
    match variant % 3 {
        // The sign bit set: x = 0 points only decode the same way; others become -P.
        1 => bytes[31] ^= 0x80,
        // y + p, when it fits in 255 bits (y < 19): only y = 0 and y = 1 here.
        2 if bytes[1..31].iter().all(|&b| b == 0) && bytes[31] & 0x7f == 0 && bytes[0] < 19 => {
            let sign = bytes[31] & 0x80;
            bytes = [0xff; 32];
            bytes[0] = 0xed + (point.compress().to_bytes()[0]);
            bytes[31] = 0x7f | sign;
        }
        _ => {}
    }
    bytes
}

fn add_l(s: &mut [u8]) {
    let mut carry = 0u16;
    for (byte, l) in s.iter_mut().zip(L) {
        let sum = u16::from(*byte) + u16::from(l) + carry;
        *byte = sum as u8;
        carry = sum >> 8;
    }
}

/// The key's 32 bytes and the signature's 64.
fn build(input: &Input) -> ([u8; 32], [u8; 64]) {
    let (pk, a) = match &input.key {
        Key::Raw(bytes) => (*bytes, None),
        Key::Secret { seed, torsion } => {
            let a = secret(seed);
            let point = ED25519_BASEPOINT_POINT * a + EIGHT_TORSION[usize::from(torsion % 8)];
            (point.compress().to_bytes(), Some(a))
        }
    };
    let signature = match (&input.signature, a) {
        (Signature::Raw(bytes), _) => *bytes,
        // No secret for a raw key: sign as if with a = 1 (the equation then fails unless
        // the key is B itself), still exercising every R and S form.
        (Signature::Signed { r, plus_l, flip }, a) => {
            let a = a.unwrap_or(Scalar::ONE);
            let (r_bytes, nonce) = match r {
                R::Nonce { nonce, torsion } => {
                    let n = Scalar::from_bytes_mod_order(*nonce);
                    let point =
                        ED25519_BASEPOINT_POINT * n + EIGHT_TORSION[usize::from(torsion % 8)];
                    (point.compress().to_bytes(), n)
                }
                R::SmallOrder { torsion, variant } => {
                    (small_order_encoding(*torsion, *variant), Scalar::ZERO)
                }
            };
            let k = challenge(&r_bytes, &pk, &input.message);
            let s = nonce + k * a;
            let mut sig = [0u8; 64];
            sig[..32].copy_from_slice(&r_bytes);
            sig[32..].copy_from_slice(s.as_bytes());
            if *plus_l {
                add_l(&mut sig[32..]);
            }
            if let Some(bit) = flip {
                let bit = usize::from(bit % 512);
                sig[bit / 8] ^= 1 << (bit % 8);
            }
            sig
        }
    };
    (pk, signature)
}

/// RFC 8032 §5.1.7, strict, written plainly: edjwt's key rule, S < L, R decoded and
/// canonical and not of small order, `[S]B = R + [k]A` as points.
fn strict(pk: &[u8; 32], message: &[u8], sig: &[u8; 64]) -> Result<(), Error> {
    let key = VerifyingKey::from_slice(pk)?;
    let a = CompressedEdwardsY(key.to_bytes()).decompress().unwrap();
    let s: Option<Scalar> = Scalar::from_canonical_bytes(sig[32..].try_into().unwrap()).into();
    let s = s.ok_or(Error::BadSignature)?;
    let r_bytes: [u8; 32] = sig[..32].try_into().unwrap();
    let r = CompressedEdwardsY(r_bytes)
        .decompress()
        .filter(|p| p.compress().to_bytes() == r_bytes && !p.is_small_order())
        .ok_or(Error::BadSignature)?;
    let k = challenge(&r_bytes, pk, message);
    if ED25519_BASEPOINT_POINT * s == r + a * k {
        Ok(())
    } else {
        Err(Error::BadSignature)
    }
}

/// ed25519-compact's verdict, behind edjwt's key rule.
fn compact(pk: &[u8; 32], message: &[u8], sig: &[u8; 64]) -> Result<(), Error> {
    let key = VerifyingKey::from_slice(pk)?;
    ed25519_compact::PublicKey::new(key.to_bytes())
        .verify(message, &ed25519_compact::Signature::new(*sig))
        .map_err(|_| Error::BadSignature)
}

/// Whether the signature holds only under the cofactored equation: R decodes, and R differs
/// from `[S]B - [k]A` by a nonzero point of small order.
fn cofactored_only(pk: &[u8; 32], message: &[u8], sig: &[u8; 64]) -> bool {
    let (Some(a), Some(r)) = (
        CompressedEdwardsY(*pk).decompress(),
        CompressedEdwardsY(sig[..32].try_into().unwrap()).decompress(),
    ) else {
        return false;
    };
    let s = Scalar::from_bytes_mod_order(sig[32..].try_into().unwrap());
    let k = challenge(&sig[..32], pk, message);
    let diff: EdwardsPoint = ED25519_BASEPOINT_POINT * s - a * k - r;
    diff.is_small_order() && diff != EdwardsPoint::default()
}

fuzz_target!(|input: Input| {
    let (pk, sig) = build(&input);
    let message = &input.message;
    let got = VerifyingKey::from_slice(&pk).and_then(|key| key.verify_signature(message, &sig));
    let strict = strict(&pk, message, &sig);
    let compact = compact(&pk, message, &sig);
    let backend = if cfg!(feature = "dalek") {
        "dalek"
    } else {
        "ed25519-compact"
    };
    assert_eq!(got, compact, "edjwt ({backend}) against ed25519-compact");
    if strict != compact {
        assert!(
            strict.is_err() && compact.is_ok() && cofactored_only(&pk, message, &sig),
            "the references differ outside the cofactored-only class: strict {strict:?}, \
             compact {compact:?}"
        );
    }
    if std::env::var_os("EDJWT_FUZZ_VERDICTS").is_some() {
        println!("verdict strict={strict:?} compact={compact:?}");
    }
});
