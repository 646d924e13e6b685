//! Nothing: this package only carries the core's test suites for `wasm32-wasip1`.
#![no_std]
