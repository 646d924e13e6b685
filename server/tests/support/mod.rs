//! Test support: the real server binary on loopback, a minimal HTTP/1.1 client, keys and
//! signatures made by the real `openssl` command.

#![allow(dead_code)] // Each test file uses a different part.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64ct::{Base64UrlUnpadded, Encoding};

pub const ISS: &str = "https://issuer.example";
pub const AUD: &str = "api";

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A folder removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "edjwt-server-test-{}-{n}-{}",
            std::process::id(),
            now()
        ));
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `openssl` with `args`, panicking with its stderr on failure.
pub fn openssl(args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .expect("the `openssl` command is needed (apt-get install openssl)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An Ed25519 key pair made by `openssl genpkey -algorithm Ed25519` and
/// `openssl pkey -pubout`, exactly as the reference deployment's docs say.
pub struct KeyPair {
    pub private: PathBuf,
    pub public: PathBuf,
}

impl KeyPair {
    pub fn generate(dir: &TempDir, name: &str) -> Self {
        let private = dir.join(&format!("{name}.private.pem"));
        let public = dir.join(&format!("{name}.public.pem"));
        openssl(&[
            "genpkey",
            "-algorithm",
            "Ed25519",
            "-out",
            private.to_str().unwrap(),
        ]);
        openssl(&[
            "pkey",
            "-in",
            private.to_str().unwrap(),
            "-pubout",
            "-out",
            public.to_str().unwrap(),
        ]);
        KeyPair { private, public }
    }

    /// A compact JWS over `header` and `claims` (JSON text, used as is), the signature made
    /// by `openssl pkeyutl -sign -rawin` (pure Ed25519 over the signing input).
    pub fn sign(&self, header: &str, claims: &str) -> String {
        let signing_input = format!(
            "{}.{}",
            Base64UrlUnpadded::encode_string(header.as_bytes()),
            Base64UrlUnpadded::encode_string(claims.as_bytes())
        );
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir = self.private.parent().unwrap();
        let input = dir.join(format!("input-{n}"));
        let sig = dir.join(format!("sig-{n}"));
        std::fs::write(&input, &signing_input).unwrap();
        openssl(&[
            "pkeyutl",
            "-sign",
            "-rawin",
            "-inkey",
            self.private.to_str().unwrap(),
            "-in",
            input.to_str().unwrap(),
            "-out",
            sig.to_str().unwrap(),
        ]);
        let signature = std::fs::read(&sig).unwrap();
        assert_eq!(signature.len(), 64);
        format!(
            "{signing_input}.{}",
            Base64UrlUnpadded::encode_string(&signature)
        )
    }
}

/// The server binary, started on `127.0.0.1:0` with `RUST_LOG=debug`; killed when dropped.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    logs: Arc<Mutex<String>>,
}

impl Server {
    pub fn start(args: &[&str]) -> Self {
        Self::try_start(args).unwrap_or_else(|(code, logs)| {
            panic!("server exited ({code:?}) before listening:\n{logs}")
        })
    }

    /// Starts the server; `Err((exit code, stderr))` when it exits instead of listening.
    pub fn try_start(args: &[&str]) -> Result<Self, (Option<i32>, String)> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_edjwt-server-example"))
            .args(args)
            .args(["--listen", "127.0.0.1:0"])
            .env("RUST_LOG", "debug")
            .env_remove("NO_COLOR")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let logs = Arc::new(Mutex::new(String::new()));
        let mut stderr = child.stderr.take().unwrap();
        let sink = Arc::clone(&logs);
        std::thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&chunk[..n]));
            }
        });
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let Some(addr) = line.trim().strip_prefix("listening on http://") else {
            let code = child.wait().unwrap().code();
            // Let the reader thread drain stderr.
            std::thread::sleep(Duration::from_millis(100));
            let logs = logs.lock().unwrap().clone();
            return Err((code, logs));
        };
        let addr = addr.parse().unwrap();
        Ok(Server { child, addr, logs })
    }

    /// The server's process id (to send it signals).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }

    /// Waits (up to 5 s) until the log holds `needle`, then returns the log.
    pub fn wait_for_log(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let logs = self.logs();
            if logs.contains(needle) || start.elapsed() > Duration::from_secs(5) {
                return logs;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn get(&self, path: &str, authorization: Option<&str>) -> Response {
        let headers: Vec<(&str, &str)> = authorization
            .map(|a| ("Authorization", a))
            .into_iter()
            .collect();
        self.request("GET", path, &headers, None)
    }

    /// One request on a fresh connection (`Connection: close`), read to the end.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Response {
        let mut stream = TcpStream::connect(self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.addr
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        if let Some(body) = body {
            request.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        request.push_str("\r\n");
        request.push_str(body.unwrap_or(""));
        stream.write_all(request.as_bytes()).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        Response::parse(&String::from_utf8(raw).unwrap())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    fn parse(raw: &str) -> Self {
        let (head, body) = raw.split_once("\r\n\r\n").unwrap();
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap();
        let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
        let headers = lines
            .map(|l| {
                let (name, value) = l.split_once(':').unwrap();
                (name.trim().to_ascii_lowercase(), value.trim().to_owned())
            })
            .collect();
        Response {
            status,
            headers,
            body: body.to_owned(),
        }
    }

    /// The one value of header `name`; `None` when absent, panics when repeated.
    pub fn header(&self, name: &str) -> Option<&str> {
        let mut values = self
            .headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str());
        let first = values.next();
        assert!(values.next().is_none(), "{name} repeated");
        first
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// A file of the core crate's test tree (`tests/...`).
pub fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests")
        .join(relative)
}

/// The `WWW-Authenticate` value edjwt gives for a reason code.
pub fn challenge(code: &str) -> &'static str {
    edjwt::Error::ALL
        .iter()
        .find(|e| e.code() == code)
        .unwrap_or_else(|| panic!("no edjwt error with code {code}"))
        .www_authenticate()
        .unwrap_or_else(|| panic!("{code} is no 401"))
}
