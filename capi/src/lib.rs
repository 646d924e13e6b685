//! C ABI for edjwt (work in progress).
