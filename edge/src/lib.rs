//! edjwt as a WebAssembly edge module (work in progress).
