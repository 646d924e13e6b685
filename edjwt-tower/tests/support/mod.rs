//! Shared by the HTTP tests: keys from the `openssl` command, tokens from PyJWT and node
//! `jose` (real third-party signers), an axum server on 127.0.0.1 and a log capture.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{json, Value};

/// A fresh directory under the target directory's temp space.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("edjwt-tower-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// An Ed25519 key pair made by `openssl genpkey`: (private PEM path, public PEM path).
pub fn openssl_key(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let private = dir.join(format!("{name}.pem"));
    let public = dir.join(format!("{name}.pub.pem"));
    run(Command::new("openssl")
        .args(["genpkey", "-algorithm", "Ed25519", "-out"])
        .arg(&private));
    run(Command::new("openssl")
        .arg("pkey")
        .arg("-in")
        .arg(&private)
        .arg("-pubout")
        .arg("-out")
        .arg(&public));
    (private, public)
}

/// The public key as a JWK `x` (base64url of the raw 32 bytes, the tail of the SPKI DER).
pub fn jwk(public_pem: &Path, kid: &str) -> Value {
    let out = Command::new("openssl")
        .args(["pkey", "-pubin", "-outform", "DER", "-in"])
        .arg(public_pem)
        .output()
        .unwrap();
    assert!(out.status.success());
    let raw = &out.stdout[out.stdout.len() - 32..];
    use base64ct::Encoding;
    json!({"kty": "OKP", "crv": "Ed25519", "x": base64ct::Base64UrlUnpadded::encode_string(raw), "kid": kid})
}

fn run(command: &mut Command) {
    let status = command.status().expect("openssl runs");
    assert!(status.success(), "{command:?}");
}

pub fn now() -> i64 {
    i64::try_from(edjwt::now()).unwrap()
}

/// A third-party JWT signer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Minter {
    PyJwt,
    Jose,
}

pub const MINTERS: [Minter; 2] = [Minter::PyJwt, Minter::Jose];

/// One token to sign: claims, extra header parameters, and the key (a private PEM path,
/// or an HMAC secret for the wrong-algorithm case).
#[derive(Clone)]
pub struct Mint {
    pub claims: Value,
    pub header: Value,
    pub key: Signer,
}

#[derive(Clone)]
pub enum Signer {
    Ed25519(PathBuf),
    Hs256(&'static str),
}

impl Mint {
    pub fn new(key: &Path, claims: Value) -> Self {
        Mint {
            claims,
            header: json!({}),
            key: Signer::Ed25519(key.to_owned()),
        }
    }

    pub fn kid(mut self, kid: &str) -> Self {
        self.header = json!({"kid": kid});
        self
    }
}

const PYJWT: &str = r#"
import json, sys, jwt
for r in json.load(sys.stdin):
    if "secret" in r:
        key, alg = r["secret"], "HS256"
    else:
        key, alg = open(r["key"]).read(), "EdDSA"
    print(jwt.encode(r["claims"], key, algorithm=alg, headers=r["header"] or None))
"#;

const JOSE: &str = r#"
const jose = require('jose');
const fs = require('fs');
(async () => {
  for (const r of JSON.parse(fs.readFileSync(0, 'utf8'))) {
    let key, alg;
    if (r.secret !== undefined) { key = new TextEncoder().encode(r.secret); alg = 'HS256'; }
    else { key = await jose.importPKCS8(fs.readFileSync(r.key, 'utf8'), 'EdDSA'); alg = 'EdDSA'; }
    const token = await new jose.SignJWT(r.claims).setProtectedHeader({ alg, typ: 'JWT', ...r.header }).sign(key);
    console.log(token);
  }
})().catch((e) => { console.error(e); process.exit(1); });
"#;

/// Signs every request with `minter`, in one process. The tools come from
/// `EDJWT_TEST_PYTHON` (a Python with PyJWT) and `EDJWT_TEST_NODE_PATH` (a `node_modules`
/// with `jose`), which `edjwt-tower/ci.sh` installs; without them this fails, never skips.
pub fn mint(minter: Minter, requests: &[Mint]) -> Vec<String> {
    let input: Vec<Value> = requests
        .iter()
        .map(|r| match &r.key {
            Signer::Ed25519(path) => json!({"claims": r.claims, "header": r.header, "key": path}),
            Signer::Hs256(secret) => {
                json!({"claims": r.claims, "header": r.header, "secret": secret})
            }
        })
        .collect();
    let mut command = match minter {
        Minter::PyJwt => {
            let python = std::env::var("EDJWT_TEST_PYTHON")
                .expect("EDJWT_TEST_PYTHON: a Python with PyJWT (bash edjwt-tower/ci.sh)");
            let mut c = Command::new(python);
            c.args(["-c", PYJWT]);
            c
        }
        Minter::Jose => {
            let modules = std::env::var("EDJWT_TEST_NODE_PATH")
                .expect("EDJWT_TEST_NODE_PATH: node_modules with jose (bash edjwt-tower/ci.sh)");
            let mut c = Command::new("node");
            c.env("NODE_PATH", modules).args(["-e", JOSE]);
            c
        }
    };
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{minter:?}: {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(&input).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{minter:?} failed");
    let tokens: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(tokens.len(), requests.len());
    tokens
}

/// Serves `router` on 127.0.0.1 (a free port); returns the base URL. The server lives as
/// long as the test's runtime.
pub async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    format!("http://{addr}")
}

/// `GET /hello` behind a layer with `Policy::new().audience("api")` over `store`; returns
/// the layer and the route's URL.
pub async fn hello_app(
    store: std::sync::Arc<edjwt_tower::KeyStore>,
) -> (edjwt_tower::EdjwtLayer, String) {
    let layer = edjwt_tower::EdjwtLayer::builder(store)
        .policy(edjwt::Policy::new().audience("api"))
        .build();
    let url = serve(
        axum::Router::new()
            .route("/hello", axum::routing::get(|| async { "hello" }))
            .layer(layer.clone()),
    )
    .await;
    (layer, format!("{url}/hello"))
}

/// Every log line of this test process, captured once for all its tests.
pub fn log_capture() -> Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let writer = Capture(Arc::clone(&log));
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
        log
    })
    .clone()
}

#[derive(Clone)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// An HTTP answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub challenge: Option<String>,
    pub body: String,
}

impl Answer {
    pub fn code(&self) -> String {
        serde_json::from_str::<Value>(&self.body).unwrap()["error"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

pub async fn get(client: &reqwest::Client, url: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = client.get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    Answer {
        status: response.status().as_u16(),
        challenge: response
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap().to_owned()),
        body: response.text().await.unwrap(),
    }
}

pub async fn bearer(client: &reqwest::Client, url: &str, token: &str) -> Answer {
    get(
        client,
        url,
        &[("authorization", &format!("Bearer {token}"))],
    )
    .await
}

/// The RFC 6750 challenge the core's reason table gives `code`.
pub fn challenge_for(code: &str) -> String {
    edjwt::Error::ALL
        .iter()
        .find(|e| e.code() == code)
        .unwrap_or_else(|| panic!("no reason {code}"))
        .www_authenticate()
        .unwrap()
        .to_owned()
}
