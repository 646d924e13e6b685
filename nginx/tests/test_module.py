"""ngx_http_auth_edjwt_module against the real nginx on 127.0.0.1.

Keys come from `openssl genpkey -algorithm Ed25519`, tokens from PyJWT. Each test class
starts nginx (`daemon off; master_process on;`) in its own temporary prefix on a free
loopback port, with an upstream server block that echoes the headers the protected
locations pass it (`proxy_set_header X-Sub $edjwt_claim_sub` and so on).

Environment:
  EDJWT_NGINX_MODULE    the .so to load (default: target/nginx/ngx_http_auth_edjwt_module.so)
  EDJWT_NGINX_VALGRIND  a file name: run nginx under valgrind (master_process off) writing
                        its report there; tests that need a master process (reload) skip.
"""

import base64
import http.client
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

import jwt
from cryptography.hazmat.primitives import serialization

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODULE = pathlib.Path(
    os.environ.get("EDJWT_NGINX_MODULE", ROOT / "target/nginx/ngx_http_auth_edjwt_module.so")
)
VALGRIND = os.environ.get("EDJWT_NGINX_VALGRIND")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
ISSUER = "https://issuer.example"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


class Key:
    """An Ed25519 key pair made by openssl, with its PEM files and JWK."""

    def __init__(self, directory, name, kid):
        self.kid = kid
        self.private_path = directory / f"{name}.private.pem"
        self.public_path = directory / f"{name}.public.pem"
        openssl("genpkey", "-algorithm", "Ed25519", "-out", str(self.private_path))
        openssl("pkey", "-in", str(self.private_path), "-pubout", "-out", str(self.public_path))
        self.private_pem = self.private_path.read_bytes()
        public = serialization.load_pem_public_key(self.public_path.read_bytes())
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
        self.jwk = {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": "EdDSA"}

    def token(self, claims=None, kid=True, **extra):
        now = int(time.time())
        body = {"iss": ISSUER, "aud": "api", "sub": "alice", "iat": now, "exp": now + 300}
        body.update(claims or {})
        body = {k: v for k, v in body.items() if v is not None}
        headers = {"kid": self.kid} if kid else {}
        headers.update(extra)
        return jwt.encode(body, self.private_pem, algorithm="EdDSA", headers=headers)


def write_jwks(path, *keys):
    path.write_text(json.dumps({"keys": [k.jwk for k in keys]}))


# The main context every test configuration starts with.
MAIN = """
daemon off;
master_process {master};
worker_processes 1;
error_log {prefix}/logs/error.log info;
pid {prefix}/logs/nginx.pid;
load_module {module};
events {{ worker_connections 128; }}
"""

CONF = MAIN + """

http {{
    log_format edjwt '$http_x_case $status [$edjwt_reason]';
    access_log {prefix}/logs/access.log edjwt;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;

    # The upstream: echoes what the protected server passed. (`return` here is fine: this
    # server has no access checks.)
    server {{
        listen 127.0.0.1:{upstream};
        access_log off;
        location / {{
            return 200 "sub=$http_x_sub|prefix=$http_x_prefix|name=$http_x_name|exp=$http_x_exp|admin=$http_x_admin|missing=$http_x_missing|kid=$http_x_kid|alg=$http_x_alg|typ=$http_x_typ|groups=$http_x_groups|aud=$http_x_aud|nested=$http_x_nested";
        }}
    }}

    server {{
        listen 127.0.0.1:{port};

        auth_edjwt "api";
        auth_edjwt_key_file keys/jwks.json;
        auth_edjwt_issuer https://other-issuer.example;
        auth_edjwt_issuer {issuer};

        proxy_set_header X-Sub $edjwt_claim_sub;
        proxy_set_header X-Prefix $edjwt_claim_prefix;
        proxy_set_header X-Name $edjwt_claim_name;
        proxy_set_header X-Exp $edjwt_claim_exp;
        proxy_set_header X-Admin $edjwt_claim_admin;
        proxy_set_header X-Missing $edjwt_claim_missing;
        proxy_set_header X-Kid $edjwt_header_kid;
        proxy_set_header X-Alg $edjwt_header_alg;
        proxy_set_header X-Typ $edjwt_header_typ;
        proxy_set_header X-Groups $edjwt_claim_groups;
        proxy_set_header X-Aud $edjwt_claim_aud;
        proxy_set_header X-Nested $edjwt_claim_nested;

        location / {{
            auth_edjwt_audience api;
            proxy_pass http://127.0.0.1:{upstream};
        }}
        location /noaud/ {{
            proxy_pass http://127.0.0.1:{upstream};
        }}
        location /anyaud/ {{
            auth_edjwt_any_audience on;
            proxy_pass http://127.0.0.1:{upstream};
        }}
        location /noexp/ {{
            auth_edjwt_audience api;
            auth_edjwt_require_exp off;
            proxy_pass http://127.0.0.1:{upstream};
        }}
        location /subject/ {{
            auth_edjwt_audience api;
            auth_edjwt_subject bob;
            proxy_pass http://127.0.0.1:{upstream};
        }}
        location /maxage/ {{
            auth_edjwt_audience api;
            auth_edjwt_max_age 1h;
            auth_edjwt_leeway 0;
            proxy_pass http://127.0.0.1:{upstream};
        }}
        location /cookie/ {{
            auth_edjwt "cookie realm" token=$cookie_auth;
            auth_edjwt_audience api;
            proxy_pass http://127.0.0.1:{upstream};
        }}
        location /query/ {{
            auth_edjwt "api" token=$arg_access_token;
            auth_edjwt_audience api;
            proxy_pass http://127.0.0.1:{upstream};
        }}
        location /cached/ {{
            auth_edjwt_audience api;
            auth_edjwt_cache 64;
            auth_edjwt_leeway 0;
            proxy_pass http://127.0.0.1:{upstream};
        }}
        location /satisfy/ {{
            satisfy any;
            allow 127.0.0.1;
            deny all;
            auth_edjwt_audience api;
            proxy_pass http://127.0.0.1:{upstream};
        }}
        location /satisfy-deny/ {{
            satisfy any;
            deny all;
            auth_edjwt_audience api;
            proxy_pass http://127.0.0.1:{upstream};
        }}
        location /quoted/ {{
            auth_edjwt "say \\"hi\\" \\\\ there";
            proxy_pass http://127.0.0.1:{upstream};
        }}
        location /off/ {{
            auth_edjwt off;
            proxy_pass http://127.0.0.1:{upstream};
        }}
    }}
}}
"""


class Nginx:
    """One nginx in a temporary prefix; stopped (and its temp dir removed) by stop()."""

    def __init__(self, conf_template, master=True, valgrind_log=None, **values):
        self.prefix = pathlib.Path(tempfile.mkdtemp(prefix="edjwt-nginx-"))
        # Workers run as an unprivileged user when nginx starts as root.
        self.prefix.chmod(0o755)
        for d in ("logs", "keys", "tmp"):
            (self.prefix / d).mkdir()
        self.port = free_port()
        self.upstream = free_port()
        self.values = dict(values)
        self.template = conf_template
        self.master = master
        self.valgrind_log = valgrind_log
        self.proc = None

    @property
    def conf_path(self):
        return self.prefix / "nginx.conf"

    @property
    def error_log(self):
        return (self.prefix / "logs/error.log").read_text(errors="replace")

    def write_conf(self):
        self.conf_path.write_text(
            self.template.format(
                prefix=self.prefix,
                module=MODULE,
                port=self.port,
                upstream=self.upstream,
                issuer=ISSUER,
                master="on" if self.master else "off",
                **self.values,
            )
        )

    def command(self, *extra):
        return [NGINX, "-p", str(self.prefix), "-c", str(self.conf_path), *extra]

    def test_config(self):
        return subprocess.run(self.command("-t"), capture_output=True, text=True, timeout=30)

    def start(self):
        self.write_conf()
        cmd = self.command()
        timeout = 10
        if self.valgrind_log:
            cmd = [
                "valgrind",
                "--error-exitcode=99",
                "--leak-check=full",
                "--show-leak-kinds=definite,indirect",
                "--errors-for-leak-kinds=definite,indirect",
                f"--suppressions={pathlib.Path(__file__).parent / 'valgrind.supp'}",
                f"--log-file={self.valgrind_log}",
                *cmd,
            ]
            timeout = 120
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.proc.stderr.read().decode()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("nginx did not start listening")

    def reload(self):
        """`nginx -s reload`: parses the configuration itself before signalling."""
        return subprocess.run(self.command("-s", "reload"), capture_output=True, text=True,
                              timeout=30)

    def hup(self):
        """SIGHUP to the master, as `kill -HUP` from a service manager does."""
        os.kill(int((self.prefix / "logs/nginx.pid").read_text()), signal.SIGHUP)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(timeout=60 if self.valgrind_log else 15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        code = self.proc.returncode if self.proc else None
        if self.proc and self.proc.stderr:
            self.proc.stderr.close()
        return code

    def cleanup(self):
        shutil.rmtree(self.prefix, ignore_errors=True)

    def request(self, path, token=None, headers=None, case=None):
        h = dict(headers or {})
        if token is not None:
            h["Authorization"] = f"Bearer {token}"
        if case:
            h["X-Case"] = case
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers=h)
            resp = conn.getresponse()
            body = resp.read().decode(errors="replace")
            return resp.status, resp.getheader("WWW-Authenticate"), body, resp.getheaders()
        finally:
            conn.close()

    def access_log_entry(self, case):
        """The access-log line of the request sent with X-Case: case (logged after the
        response is sent, so wait for it briefly)."""
        deadline = time.monotonic() + 5
        while True:
            path = self.prefix / "logs/access.log"
            lines = path.read_text().splitlines() if path.exists() else []
            found = [line for line in lines if line.split(" ", 1)[0] == case]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


def challenge(reason=None, realm="api"):
    value = f'Bearer realm="{realm}"'
    if reason:
        value += f', error="invalid_token", error_description="{reason}"'
    return value


def echoed(body):
    return dict(item.split("=", 1) for item in body.split("|"))


class ModuleTest(unittest.TestCase):
    """Answers, challenges, claims passed upstream, the access log and the error log."""

    @classmethod
    def setUpClass(cls):
        cls.nginx = Nginx(CONF, master=VALGRIND is None, valgrind_log=VALGRIND)
        keys = cls.nginx.prefix / "keys"
        cls.key1 = Key(keys, "key1", "k1")
        cls.key2 = Key(keys, "key2", "k2")
        write_jwks(keys / "jwks.json", cls.key1)
        cls.tokens = []
        cls.nginx.start()

    @classmethod
    def tearDownClass(cls):
        code = cls.nginx.stop()
        try:
            if VALGRIND:
                # valgrind's --error-exitcode: any invalid access or definite leak fails.
                assert code == 0, f"valgrind reported errors (exit {code}), see {VALGRIND}"
                report = pathlib.Path(VALGRIND).read_text()
                assert "ERROR SUMMARY: 0 errors" in report, report
                assert not re.search(r"(at|by) 0x[0-9A-F]+: \S*edjwt", report), report
        finally:
            cls.nginx.cleanup()

    def token(self, key=None, claims=None, **kw):
        tok = (key or self.key1).token(claims, **kw)
        self.tokens.append(tok)
        return tok

    def assertRejected(self, path, token, reason, case, realm="api", headers=None):
        status, www, body, _ = self.nginx.request(path, token, headers=headers, case=case)
        self.assertEqual(status, 401, body)
        self.assertEqual(www, challenge(reason, realm))
        self.assertEqual(
            self.nginx.access_log_entry(case),
            [f"{case} 401 [{reason or 'missing-token'}]"],
        )

    def assertAccepted(self, path, token, case, headers=None):
        status, www, body, _ = self.nginx.request(path, token, headers=headers, case=case)
        self.assertEqual(status, 200, f"{www} {body}")
        self.assertIsNone(www)
        self.assertEqual(self.nginx.access_log_entry(case), [f"{case} 200 []"])
        return echoed(body)

    def test_accepted_passes_claims_and_header_upstream(self):
        tok = self.token(
            claims={"prefix": "/tenants/7", "name": "Ren\u00e9 \"R\"", "admin": True},
            typ="JWT",
        )
        got = self.assertAccepted("/", tok, "accepted")
        self.assertEqual(got["sub"], "alice")
        self.assertEqual(got["prefix"], "/tenants/7")
        # PyJWT writes non-ASCII as \u escapes; the variable holds the UTF-8 text. The
        # upstream's `return` echoes it as received.
        self.assertEqual(got["name"], 'René "R"')
        self.assertEqual(got["exp"], str(jwt.decode(tok, options={"verify_signature": False})["exp"]))
        self.assertEqual(got["admin"], "true")
        self.assertEqual(got["missing"], "")
        self.assertEqual(got["kid"], "k1")
        self.assertEqual(got["alg"], "EdDSA")
        self.assertEqual(got["typ"], "JWT")
        self.assertEqual(got["aud"], "api")
        self.assertEqual(got["groups"], "")

    def test_arrays_of_scalars_are_joined_with_commas(self):
        tok = self.token(
            claims={"aud": ["billing", "api"], "groups": ["admin", "dev\u00e9", 7, True],
                    "nested": [["a"]]}
        )
        got = self.assertAccepted("/", tok, "arrays")
        self.assertEqual(got["aud"], "billing,api")
        self.assertEqual(got["groups"], "admin,dev\u00e9,7,true")
        self.assertEqual(got["nested"], "")
        # An element holding a comma would make the list ambiguous: empty instead.
        tok = self.token(claims={"groups": ["a,b", "c"], "nested": {"a": 1}})
        got = self.assertAccepted("/", tok, "arrays-comma")
        self.assertEqual(got["groups"], "")
        self.assertEqual(got["nested"], "")

    def test_claim_with_control_characters_is_not_passed(self):
        tok = self.token(claims={"sub": "alice\r\nX-Admin: 1"})
        got = self.assertAccepted("/", tok, "control-chars")
        self.assertEqual(got["sub"], "")

    def test_expired(self):
        now = int(time.time())
        tok = self.token(claims={"iat": now - 1000, "exp": now - 600})
        self.assertRejected("/", tok, "expired", "expired")

    def test_forged_with_another_key(self):
        tok = self.token(self.key2, kid=False)
        self.assertRejected("/", tok, "bad-signature", "forged")
        # Another key claiming the known kid is forged too.
        forged = self.key2.token()
        forged = forged.replace(forged.split(".")[0], self.key1.token().split(".")[0], 1)
        self.tokens.append(forged)
        self.assertRejected("/", forged, "bad-signature", "forged-kid")

    def test_tampered(self):
        tok = self.token()
        header, payload, sig = tok.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["sub"] = "mallory"
        payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        tampered = f"{header}.{payload}.{sig}"
        self.tokens.append(tampered)
        self.assertRejected("/", tampered, "bad-signature", "tampered")

    def test_wrong_issuer(self):
        tok = self.token(claims={"iss": "https://evil.example"})
        self.assertRejected("/", tok, "wrong-issuer", "wrong-issuer")

    def test_second_issuer_accepted(self):
        tok = self.token(claims={"iss": "https://other-issuer.example"})
        self.assertAccepted("/", tok, "second-issuer")

    def test_wrong_audience(self):
        tok = self.token(claims={"aud": "billing"})
        self.assertRejected("/", tok, "wrong-audience", "wrong-audience")

    def test_audience_in_array(self):
        tok = self.token(claims={"aud": ["billing", "api"]})
        self.assertAccepted("/", tok, "aud-array")

    def test_aud_present_without_configured_audience(self):
        tok = self.token()
        self.assertRejected("/noaud/", tok, "wrong-audience", "aud-unconfigured")
        no_aud = self.token(claims={"aud": None})
        self.assertAccepted("/noaud/", no_aud, "no-aud-unconfigured")

    def test_any_audience_opt_in(self):
        tok = self.token(claims={"aud": "billing"})
        self.assertAccepted("/anyaud/", tok, "any-audience")

    def test_missing_exp(self):
        tok = self.token(claims={"exp": None})
        self.assertRejected("/", tok, "missing-claim", "missing-exp")
        self.assertAccepted("/noexp/", tok, "noexp-allowed")

    def test_subject(self):
        self.assertRejected("/subject/", self.token(), "wrong-subject", "wrong-subject")
        self.assertAccepted("/subject/", self.token(claims={"sub": "bob"}), "subject-ok")

    def test_max_age(self):
        now = int(time.time())
        old = self.token(claims={"iat": now - 7200})
        self.assertRejected("/maxage/", old, "too-old", "too-old")
        self.assertAccepted("/maxage/", self.token(), "max-age-ok")

    def test_garbage(self):
        self.assertRejected("/", "not-a-token", "malformed", "garbage")
        self.assertRejected("/", "a.b.c", "malformed", "garbage-dots")

    def test_alg_none(self):
        tok = jwt.encode({"sub": "alice", "exp": int(time.time()) + 60}, None, algorithm="none")
        self.assertRejected("/", tok, "unsupported-algorithm", "alg-none")

    def test_unknown_kid(self):
        tok = self.token(self.key2)
        self.assertRejected("/", tok, "unknown-key", "unknown-kid")

    def test_missing_header(self):
        self.assertRejected("/", None, None, "missing")

    def test_basic_scheme(self):
        self.assertRejected(
            "/", None, None, "basic", headers={"Authorization": "Basic YWxpY2U6c2VjcmV0"}
        )

    def test_token_in_cookie(self):
        tok = self.token()
        got = self.assertAccepted("/cookie/", None, "cookie", headers={"Cookie": f"auth={tok}"})
        self.assertEqual(got["sub"], "alice")
        # The Authorization header is not looked at when token= is set.
        self.assertRejected("/cookie/", tok, None, "cookie-missing", realm="cookie realm")
        self.assertRejected(
            "/cookie/", None, "malformed", "cookie-bad", realm="cookie realm",
            headers={"Cookie": "auth=xyz"},
        )

    def test_token_in_query_never_logged(self):
        tok = self.token()
        got = self.assertAccepted(f"/query/?access_token={tok}", None, "query")
        self.assertEqual(got["sub"], "alice")
        now = int(time.time())
        expired = self.token(claims={"iat": now - 1000, "exp": now - 600})
        self.assertRejected(f"/query/?access_token={expired}", None, "expired", "query-expired")

    def test_cache_hits_and_expiry(self):
        now = int(time.time())
        tok = self.token(claims={"exp": now + 2})
        self.assertEqual(self.assertAccepted("/cached/", tok, "cache-1")["sub"], "alice")
        self.assertEqual(self.assertAccepted("/cached/", tok, "cache-2")["sub"], "alice")
        self.assertEqual(self.assertAccepted("/cached/", tok, "cache-3")["kid"], "k1")
        # A cached entry ends at `exp`: with leeway 0 the token is then expired.
        time.sleep(max(0, now + 3 - time.time()))
        self.assertRejected("/cached/", tok, "expired", "cache-expired")
        # Rejections are never cached: a tampered token stays rejected after a good one.
        good = self.token()
        self.assertAccepted("/cached/", good, "cache-good")
        bad = good[:-2] + ("AA" if not good.endswith("AA") else "BA")
        self.tokens.append(bad)
        self.assertRejected("/cached/", bad, "bad-signature", "cache-bad")
        self.assertRejected("/cached/", bad, "bad-signature", "cache-bad-2")

    def test_satisfy_any_with_allow(self):
        status, www, body, _ = self.nginx.request("/satisfy/", case="satisfy-allow")
        self.assertEqual(status, 200)
        self.assertIsNone(www)
        self.assertEqual(echoed(body)["sub"], "")
        self.assertRejected("/satisfy-deny/", None, None, "satisfy-deny")
        self.assertAccepted("/satisfy-deny/", self.token(), "satisfy-token")

    def test_realm_is_quoted(self):
        self.assertRejected(
            "/quoted/", "x", "malformed", "quoted", realm='say \\"hi\\" \\\\ there'
        )

    def test_off(self):
        status, www, _, _ = self.nginx.request("/off/", case="off")
        self.assertEqual(status, 200)
        self.assertIsNone(www)
        self.assertEqual(self.nginx.access_log_entry("off"), ["off 200 [-]"])

    def test_zz_error_log(self):
        """Runs last (name order): the reasons are logged at info, the tokens never."""
        log = self.nginx.error_log
        for reason in ("expired", "bad-signature", "wrong-issuer", "wrong-audience",
                       "malformed", "missing-token"):
            self.assertIn(f"auth_edjwt: token rejected: {reason}, client: 127.0.0.1", log)
        self.assertGreater(len(self.tokens), 10)
        for tok in self.tokens:
            for part in tok.split("."):
                if len(part) > 8:
                    self.assertNotIn(part, log)


ROTATION_CONF = MAIN + """
http {{
    access_log off;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    server {{
        listen 127.0.0.1:{upstream};
        location / {{ return 200 "sub=$http_x_sub"; }}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            auth_edjwt "api";
            auth_edjwt_key_file keys/jwks.json;
            auth_edjwt_audience api;
            auth_edjwt_cache 16;
            proxy_set_header X-Sub $edjwt_claim_sub;
            proxy_pass http://127.0.0.1:{upstream};
        }}
    }}
}}
"""


@unittest.skipIf(VALGRIND, "reload needs a master process")
class ReloadTest(unittest.TestCase):
    """kid rotation through a JWKS and `nginx -s reload`; a broken key file on reload."""

    def setUp(self):
        self.nginx = Nginx(ROTATION_CONF)
        keys = self.nginx.prefix / "keys"
        self.key1 = Key(keys, "key1", "k1")
        self.key2 = Key(keys, "key2", "k2")
        self.jwks = keys / "jwks.json"
        write_jwks(self.jwks, self.key1)
        self.nginx.start()

    def tearDown(self):
        self.nginx.stop()
        self.nginx.cleanup()

    def wait_for(self, token, status, www=None):
        """A reload replaces the worker while old connections finish: poll (bounded)."""
        deadline = time.monotonic() + 10
        while True:
            got = self.nginx.request("/", token)[:2]
            if got == (status, www) or time.monotonic() > deadline:
                return got
            time.sleep(0.1)

    def test_kid_rotation_and_broken_reload(self):
        old, new = self.key1.token(), self.key2.token()
        self.assertEqual(self.nginx.request("/", old)[:2], (200, None))
        self.assertEqual(self.nginx.request("/", new)[:2], (401, challenge("unknown-key")))

        write_jwks(self.jwks, self.key1, self.key2)
        self.assertEqual(self.nginx.reload().returncode, 0)
        self.assertEqual(self.wait_for(new, 200), (200, None))
        self.assertEqual(self.nginx.request("/", old)[:2], (200, None))

        # Retire key1: its (cached) token stops working after the reload.
        write_jwks(self.jwks, self.key2)
        self.assertEqual(self.nginx.reload().returncode, 0)
        self.assertEqual(
            self.wait_for(old, 401, challenge("unknown-key")), (401, challenge("unknown-key"))
        )

        # A reload with a broken key file keeps the running configuration. `nginx -s
        # reload` reads the configuration first, so it fails itself, naming the file:
        self.jwks.write_text('{"keys": [')
        problem = (
            r'\[emerg\] .*auth_edjwt_key_file ".*/keys/jwks.json": not a PEM public key, '
            r"JWK or JWKS \(invalid-key\) in .*nginx.conf:\d+"
        )
        result = self.nginx.reload()
        self.assertNotEqual(result.returncode, 0)
        self.assertRegex(result.stderr, problem)
        # and a SIGHUP straight to the master logs the error and keeps the old workers.
        self.nginx.hup()
        deadline = time.monotonic() + 10
        while "keys/jwks.json" not in self.nginx.error_log and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertRegex(self.nginx.error_log, problem)
        time.sleep(0.5)
        self.assertEqual(self.nginx.request("/", new)[:2], (200, None))
        self.assertEqual(self.nginx.request("/", old)[:2], (401, challenge("unknown-key")))

        # Fixed again: the next reload works.
        write_jwks(self.jwks, self.key1)
        self.assertEqual(self.nginx.reload().returncode, 0)
        self.assertEqual(self.wait_for(old, 200), (200, None))


BAD_CONF = """
daemon off;
error_log {prefix}/logs/error.log info;
pid {prefix}/logs/nginx.pid;
load_module {module};
events {{ }}
http {{
    server {{
        listen 127.0.0.1:{port};
        location / {{
            {directives}
            root html;
        }}
    }}
}}
"""


@unittest.skipIf(VALGRIND, "configuration checks run without valgrind")
class ConfigTest(unittest.TestCase):
    """`nginx -t` fails with the file and the problem, not at the first request."""

    @classmethod
    def setUpClass(cls):
        cls.dir = pathlib.Path(tempfile.mkdtemp(prefix="edjwt-nginx-keys-"))
        cls.key = Key(cls.dir, "ed", "k1")
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                "-out", str(cls.dir / "rsa.private.pem"))
        openssl("pkey", "-in", str(cls.dir / "rsa.private.pem"), "-pubout",
                "-out", str(cls.dir / "rsa.public.pem"))
        openssl("genpkey", "-algorithm", "X25519", "-out", str(cls.dir / "x25519.private.pem"))
        openssl("pkey", "-in", str(cls.dir / "x25519.private.pem"), "-pubout",
                "-out", str(cls.dir / "x25519.public.pem"))
        (cls.dir / "empty.jwks").write_text('{"keys": []}')
        (cls.dir / "garbage.pem").write_text("hello\n")
        write_jwks(cls.dir / "one.jwks", cls.key)
        (cls.dir / "one.jwk").write_text(json.dumps(cls.key.jwk))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def check(self, directives):
        nginx = Nginx(BAD_CONF, directives=directives)
        try:
            nginx.write_conf()
            return nginx.test_config()
        finally:
            nginx.cleanup()

    def assertConfigError(self, directives, *patterns):
        result = self.check(directives)
        self.assertNotEqual(result.returncode, 0, result.stderr)
        for pattern in patterns:
            self.assertRegex(result.stderr, pattern)
        self.assertIn("configuration file", result.stderr)
        self.assertRegex(result.stderr, r"nginx\.conf:\d+")

    def test_valid(self):
        result = self.check(
            f'auth_edjwt "api"; auth_edjwt_key_file {self.dir}/one.jwks; '
            f"auth_edjwt_key_file {self.key.public_path}; auth_edjwt_key_file {self.dir}/one.jwk;"
        )
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_no_such_file(self):
        self.assertConfigError(
            f'auth_edjwt "api"; auth_edjwt_key_file {self.dir}/nope.pem;',
            rf'\[emerg\] \d+#\d+: auth_edjwt_key_file "{self.dir}/nope.pem": cannot open '
            r"\(2: No such file or directory\)",
        )

    def test_rsa_key(self):
        self.assertConfigError(
            f'auth_edjwt "api"; auth_edjwt_key_file {self.dir}/rsa.public.pem;',
            rf'auth_edjwt_key_file "{self.dir}/rsa.public.pem": not an Ed25519 key but an '
            r"RSA key \(unsupported-key\)",
        )

    def test_other_curve(self):
        self.assertConfigError(
            f'auth_edjwt "api"; auth_edjwt_key_file {self.dir}/x25519.public.pem;',
            rf'"{self.dir}/x25519.public.pem": not an Ed25519 key but an X25519 key '
            r"\(unsupported-key\)",
        )

    def test_private_key(self):
        self.assertConfigError(
            f'auth_edjwt "api"; auth_edjwt_key_file {self.key.private_path};',
            rf'"{self.key.private_path}": a private key .*\(private-key\)',
        )

    def test_empty_key_set(self):
        self.assertConfigError(
            f'auth_edjwt "api"; auth_edjwt_key_file {self.dir}/empty.jwks;',
            rf'"{self.dir}/empty.jwks": empty key set',
        )

    def test_garbage_file(self):
        self.assertConfigError(
            f'auth_edjwt "api"; auth_edjwt_key_file {self.dir}/garbage.pem;',
            rf'"{self.dir}/garbage.pem": not a PEM public key, JWK or JWKS \(invalid-key\)',
        )

    def test_on_without_key(self):
        self.assertConfigError(
            'auth_edjwt "api";',
            r'"auth_edjwt" is on in location "/" but no "auth_edjwt_key_file" is set',
        )

    def test_auth_in_http_with_keys_per_location(self):
        nginx = Nginx(
            MAIN + """
            http {{
                auth_edjwt "api";
                server {{
                    listen 127.0.0.1:{port};
                    location /a/ {{ auth_edjwt_key_file {key}; root html; }}
                    location /b/ {{ auth_edjwt_key_file {key}; root html; }}
                    location /public/ {{ auth_edjwt off; root html; }}
                    {extra}
                }}
            }}
            """,
            key=self.key.public_path,
            extra="",
        )
        try:
            nginx.write_conf()
            result = nginx.test_config()
            self.assertEqual(result.returncode, 0, result.stderr)
            nginx.start()
            try:
                self.assertEqual(nginx.request("/a/")[:2], (401, challenge()))
                self.assertEqual(nginx.request("/public/")[0], 404)
                # No location matches: the server{} level has no keys, and fails closed.
                self.assertEqual(nginx.request("/elsewhere")[0], 500)
                self.assertIn('auth_edjwt: no "auth_edjwt_key_file"', nginx.error_log)
            finally:
                nginx.stop()
            nginx.values["extra"] = "location /c/ { root html; }"
            nginx.write_conf()
            result = nginx.test_config()
            self.assertNotEqual(result.returncode, 0)
            self.assertRegex(
                result.stderr,
                r'"auth_edjwt" is on in location "/c/" but no "auth_edjwt_key_file" is set',
            )
        finally:
            nginx.cleanup()

    def test_bad_token_parameter(self):
        self.assertConfigError(
            f'auth_edjwt "api" cookie; auth_edjwt_key_file {self.dir}/one.jwks;',
            r'invalid parameter "cookie"',
        )


if __name__ == "__main__":
    unittest.main()
