//! Shared code of the edjwt fuzz targets: a signer with the RFC 8037 test key, an
//! `arbitrary` JSON model that writes strict JSON with every kind of escape and number form
//! and knows what edjwt must say about it, and small independent oracles.
//!
//! Nothing here calls into edjwt's private code: every oracle is written from the rules of
//! `docs/security.md` and the RFCs, so a disagreement is a finding, not a tautology.

pub mod date;
pub mod model;
pub mod oracle;
pub mod sign;
