//! Runs the built `edjwt` binary as a real process, and locates the repository's fixtures.

#![allow(dead_code)] // Each test file uses a different part of this.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The interop fixtures: keys made by the real `openssl`, tokens by PyJWT and node `jose`.
pub const INTEROP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/interop");
/// Key files a loader must refuse.
pub const BAD_KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/keys");
/// `now` of tokens.json.
pub const NOW: &str = "1700000100";

/// Longest any one run may take: every input must be handled in bounded time.
const TIMEOUT: Duration = Duration::from_secs(30);

pub fn interop(file: &str) -> String {
    format!("{INTEROP}/{file}")
}

pub fn bad_key(file: &str) -> String {
    format!("{BAD_KEYS}/{file}")
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    /// The exit code; `None` when a signal ended the process (a crash).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The last line on stderr (the verdict line of a rejection).
    pub fn last_err_line(&self) -> &str {
        self.stderr.lines().last().unwrap_or_default()
    }

    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "unexpected exit status: {self:#?}");
        self
    }

    /// Exit 1 with `rejected: <code>: <message>` as the last stderr line.
    #[track_caller]
    pub fn assert_rejected(&self, code: &str) -> &Self {
        self.assert_code(1);
        let line = self.last_err_line();
        assert!(
            line.starts_with(&format!("rejected: {code}: ")),
            "{self:#?}"
        );
        assert!(self.stdout.is_empty(), "rejected but printed: {self:#?}");
        self
    }

    /// Exit 2 with an `error:` line containing each of `words`.
    #[track_caller]
    pub fn assert_usage(&self, words: &[&str]) -> &Self {
        self.assert_code(2);
        for word in words {
            assert!(
                self.stderr.contains(word),
                "stderr lacks {word:?}: {self:#?}"
            );
        }
        self
    }
}

/// Runs `edjwt args...` with `stdin` (empty when `None`).
pub fn edjwt<S: AsRef<std::ffi::OsStr>>(args: &[S], stdin: Option<&[u8]>) -> Run {
    edjwt_in(None, args, stdin)
}

/// Like [`edjwt`], in directory `dir`.
pub fn edjwt_in<S: AsRef<std::ffi::OsStr>>(
    dir: Option<&Path>,
    args: &[S],
    stdin: Option<&[u8]>,
) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_edjwt"));
    command
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let mut child = command.spawn().expect("spawn edjwt");
    let writer = stdin.map(|bytes| {
        let mut pipe = child.stdin.take().expect("stdin pipe");
        let bytes = bytes.to_vec();
        // The child may stop reading early (it reads at most 1 MiB + 1): ignore EPIPE.
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        })
    });
    let stdout = child.stdout.take().expect("stdout pipe");
    let stderr = child.stderr.take().expect("stderr pipe");
    let out = std::thread::spawn(move || read_all(stdout));
    let err = std::thread::spawn(move || read_all(stderr));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            panic!(
                "edjwt {:?} did not finish in {TIMEOUT:?}",
                args.iter()
                    .map(|a| a.as_ref().to_owned())
                    .collect::<Vec<_>>()
            );
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    if let Some(writer) = writer {
        writer.join().expect("stdin writer");
    }
    Run {
        code: status.code(),
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    }
}

fn read_all(mut pipe: impl std::io::Read) -> String {
    let mut bytes = Vec::new();
    let _ = pipe.read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// One case of tokens.json.
pub struct Case {
    pub id: String,
    pub token: String,
    pub expect: String,
}

pub fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(interop("tokens.json")).expect("tokens.json");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("tokens.json is JSON");
    assert_eq!(doc["now"].to_string(), NOW);
    doc["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| Case {
            id: c["id"].as_str().expect("id").to_owned(),
            token: c["token"].as_str().expect("token").to_owned(),
            expect: c["expect"].as_str().expect("expect").to_owned(),
        })
        .collect()
}

pub fn token(id: &str) -> String {
    cases()
        .into_iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no case {id}"))
        .token
}

/// The payload part of a compact token, decoded.
pub fn payload(token: &str) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    let part = token.split('.').nth(1).expect("payload part");
    let mut buf = vec![0u8; part.len()];
    let bytes = Base64UrlUnpadded::decode(part, &mut buf).expect("base64url");
    String::from_utf8(bytes.to_vec()).expect("utf-8")
}

/// Whether the real `openssl` command is on PATH; prints a notice when it is not.
pub fn have_openssl() -> bool {
    let ok = Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("NOTICE: `openssl` is not on PATH; skipping the OpenSSL compatibility check");
    }
    ok
}

/// Runs openssl with `args` in `dir`, asserting success.
pub fn openssl(dir: &Path, args: &[&str]) -> Vec<u8> {
    let output = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

pub fn path_str(p: &Path) -> String {
    p.to_str().expect("utf-8 path").to_owned()
}

pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

pub fn file(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}
