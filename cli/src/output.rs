//! Writing to stdout and stderr without ever panicking: `println!` panics on a closed pipe
//! (`edjwt verify ... | head -c 10`), and this tool must not crash.

use std::io::{self, Write};

/// Writes `line` and a newline to stdout; a write error (closed pipe) is ignored.
pub(crate) fn out(line: &str) {
    let mut stdout = io::stdout().lock();
    let _ = stdout
        .write_all(line.as_bytes())
        .and_then(|()| stdout.write_all(b"\n"))
        .and_then(|()| stdout.flush());
}

/// Writes `line` and a newline to stderr; a write error is ignored.
pub(crate) fn err(line: &str) {
    let mut stderr = io::stderr().lock();
    let _ = stderr
        .write_all(line.as_bytes())
        .and_then(|()| stderr.write_all(b"\n"));
}
