//! No input crashes the tool: garbage tokens (random bytes, 1 MiB and more, 100k dots,
//! deep nesting, huge headers) give exit 1 from `verify` and `inspect`, garbage key files
//! exit 2, never a panic (101) or a signal, and each run ends in bounded time (the helper
//! kills a run after 30 s and fails the test).

mod common;

use base64ct::{Base64UrlUnpadded, Encoding};
use common::{edjwt, interop, temp_dir, token, NOW};

/// xorshift64*: reproducible pseudo-random bytes without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }

    fn pick(&mut self, alphabet: &[u8], len: usize) -> Vec<u8> {
        (0..len)
            .map(|_| alphabet[self.below(alphabet.len())])
            .collect()
    }
}

fn b64(bytes: &[u8]) -> String {
    let mut buf = vec![0u8; Base64UrlUnpadded::encoded_len(bytes)];
    Base64UrlUnpadded::encode(bytes, &mut buf)
        .unwrap()
        .to_owned()
}

const SIG: &str =
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/// Inputs no verifier may accept and `inspect` must call malformed.
fn garbage() -> Vec<Vec<u8>> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut inputs: Vec<Vec<u8>> = Vec::new();
    // Random bytes of many lengths.
    for i in 0..120 {
        let len = 1 + rng.below(if i % 10 == 0 { 20_000 } else { 300 });
        inputs.push(rng.bytes(len));
    }
    // Token-shaped: random base64url-ish segments, dots in random places.
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
    for _ in 0..120 {
        let len = 1 + rng.below(400);
        inputs.push(rng.pick(alphabet, len));
    }
    inputs
}

/// A real token, mutated: one byte changed, truncated, or extended. `verify` must reject
/// each; some stay well-formed, so `inspect` may show them.
fn mutants() -> Vec<Vec<u8>> {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
    let real = token("pyjwt_basic").into_bytes();
    let mut inputs = Vec::new();
    for _ in 0..60 {
        let mut t = real.clone();
        match rng.below(3) {
            0 => {
                let i = rng.below(t.len());
                t[i] = alphabet[rng.below(alphabet.len())];
                if t == real {
                    t.push(b'.');
                }
            }
            1 => t.truncate(rng.below(t.len())),
            _ => t.extend_from_slice(b".extra"),
        }
        inputs.push(t);
    }
    inputs
}

/// Big and pathological inputs.
fn pathological() -> Vec<Vec<u8>> {
    let mut inputs = Vec::new();
    inputs.push(vec![b'A'; 1024 * 1024]); // exactly the 1 MiB stdin bound
    inputs.push(vec![b'A'; 1024 * 1024 + 1]); // one byte over it
    inputs.push(vec![b'.'; 100_000]);
    inputs.push(format!("{}.{}.{SIG}", "e".repeat(500_000), "e".repeat(500_000)).into_bytes());
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let deep_obj = |n: usize| format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
    for json in [
        format!("{{\"alg\":\"EdDSA\",\"x\":{}}}", deep(5_000)),
        format!("{{\"alg\":\"EdDSA\",\"x\":{}}}", deep(40)),
        deep_obj(10_000),
        format!(
            "{{\"alg\":\"EdDSA\",{}\"z\":1}}",
            (0..200)
                .map(|i| format!("\"m{i}\":{i},"))
                .collect::<String>()
        ),
        "{\"alg\":\"EdDSA\",\"alg\":\"EdDSA\"}".to_owned(),
        "{\"alg\":\"none\"}".to_owned(),
        "{\"alg\":\"EdDSA\",\"kid\":5}".to_owned(),
        "\u{feff}{\"alg\":\"EdDSA\"}".to_owned(),
    ] {
        inputs.push(format!("{}.e30.{SIG}", b64(json.as_bytes())).into_bytes());
    }
    // A valid EdDSA header over a payload that is no JSON object (serde_json's recursion
    // limit stops `inspect`; the signature stops `verify`).
    let header = b64(b"{\"alg\":\"EdDSA\"}");
    for payload in [
        deep(100_000),
        deep(129),
        deep_obj(1_000),
        "\"text\"".to_owned(),
        "{\"a\":1".to_owned(),
    ] {
        let payload = b64(payload.as_bytes());
        inputs.push(format!("{header}.{payload}.{SIG}").into_bytes());
    }
    inputs.push(b"Bearer \xff\xfe".to_vec());
    inputs.push(b"Bearer".to_vec());
    inputs.push(b"\0\0\0".to_vec());
    inputs.push(format!("Bearer {}", "a.".repeat(50_000)).into_bytes());
    inputs
}

#[test]
fn garbage_tokens_are_rejected_never_crash() {
    let key = interop("key1.public.pem");
    let mut inputs = garbage();
    inputs.extend(pathological());
    assert!(inputs.len() >= 250, "{}", inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        let run = edjwt(&["verify", "--key", &key, "--now", NOW], Some(input));
        assert_eq!(
            run.code,
            Some(1),
            "verify, input #{i} ({} bytes): {run:#?}",
            input.len()
        );
        assert!(
            run.last_err_line().starts_with("rejected: "),
            "input #{i}: {run:#?}"
        );
        assert!(run.stdout.is_empty(), "input #{i}");

        let run = edjwt(&["inspect", "--now", NOW], Some(input));
        assert_eq!(
            run.code,
            Some(1),
            "inspect, input #{i} ({} bytes): {run:#?}",
            input.len()
        );
        assert!(
            run.last_err_line().starts_with("cannot inspect: "),
            "input #{i}: {run:#?}"
        );
    }
}

#[test]
fn mutated_tokens_are_rejected_never_crash() {
    let key = interop("key1.public.pem");
    for (i, input) in mutants().iter().enumerate() {
        let run = edjwt(&["verify", "--key", &key, "--now", NOW], Some(input));
        assert_eq!(run.code, Some(1), "verify, mutant #{i}: {run:#?}");
        let run = edjwt(&["inspect", "--now", NOW], Some(input));
        assert!(
            matches!(run.code, Some(0 | 1)),
            "inspect, mutant #{i}: {run:#?}"
        );
    }
}

#[test]
fn garbage_as_the_argument() {
    // Arguments cannot hold NUL and must not start with `-` (that is a flag).
    let key = interop("key1.public.pem");
    let mut rng = Rng(42);
    let alphabet = b"abcXYZ019-_.=+/ \t\"'\\{}[]:,\xc3\xa9";
    for _ in 0..40 {
        let len = 1 + rng.below(200);
        let mut bytes = vec![b'e'];
        bytes.extend(rng.pick(alphabet, len));
        let arg = String::from_utf8_lossy(&bytes).into_owned();
        let run = edjwt(&["verify", "--key", &key, &arg], None);
        assert_eq!(run.code, Some(1), "{arg:?}: {run:#?}");
        let run = edjwt(&["inspect", &arg], None);
        assert_eq!(run.code, Some(1), "{arg:?}: {run:#?}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let not_utf8 = std::ffi::OsStr::from_bytes(b"e\xff\xfe.a.b");
        let run = edjwt(
            &[
                std::ffi::OsStr::new("verify"),
                "--key".as_ref(),
                key.as_ref(),
                not_utf8,
            ],
            None,
        );
        run.assert_rejected("malformed");
        let run = edjwt(&[std::ffi::OsStr::new("inspect"), not_utf8], None);
        assert_eq!(run.code, Some(1), "{run:#?}");
    }
}

#[test]
fn garbage_key_files_are_usage_errors_never_crash() {
    let dir = temp_dir();
    let mut rng = Rng(7);
    let mut files: Vec<Vec<u8>> = (0..40).map(|i| rng.bytes(1 + i * 37)).collect();
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    files.push(format!("{{\"keys\":{deep}}}").into_bytes());
    files.push(format!("{{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":{deep}}}").into_bytes());
    files.push(
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            "A".repeat(60_000)
        )
        .into_bytes(),
    );
    files.push(b"-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n".to_vec());
    files.push(b"-----BEGIN PRIVATE KEY-----".to_vec());
    files.push(b"{\"keys\":[]}".to_vec());
    files.push(b"{}".to_vec());
    files.push(Vec::new());
    files.push(vec![0x30; 44]);
    for (i, bytes) in files.iter().enumerate() {
        let path = dir.path().join(format!("key{i}"));
        std::fs::write(&path, bytes).unwrap();
        let path = common::path_str(&path);
        let run = edjwt(&["verify", "--key", &path, "a.b.c"], None);
        assert_eq!(run.code, Some(2), "verify --key file #{i}: {run:#?}");
        assert!(
            run.last_err_line().starts_with("error: key file"),
            "file #{i}: {run:#?}"
        );
        let run = edjwt(&["sign", "--key", &path], None);
        assert_eq!(run.code, Some(2), "sign --key file #{i}: {run:#?}");
    }
}

#[test]
fn closed_stdout_is_not_a_crash() {
    // `edjwt verify ... | head -c0`: writing to a closed pipe must not panic.
    use std::process::{Command, Stdio};
    let key = interop("key1.public.pem");
    let tok = token("pyjwt_basic");
    let mut child = Command::new(env!("CARGO_BIN_EXE_edjwt"))
        .args(["verify", "--key", &key, "--aud", "api", "--now", NOW, &tok])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert!(matches!(output.status.code(), Some(0)), "{output:?}");
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
