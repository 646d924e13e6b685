//! `edjwt keygen`: a new Ed25519 key pair as PEM files, byte-compatible with OpenSSL.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use ed25519_compact::KeyPair;

use crate::failure::Failure;
use crate::keys::shell_word;
use crate::output::out;
use crate::signing::{private_pem, public_pem};

#[derive(Args, Debug)]
#[command(after_help = "\
Examples:
  edjwt keygen --private private.pem --public public.pem
  openssl pkey -in private.pem -pubout     # prints the same public.pem

The private key is PKCS#8 PEM (as `openssl genpkey -algorithm Ed25519` writes it),
created with mode 0600; the public key is SPKI PEM (as `openssl pkey -pubout` writes it).
Existing files are never overwritten unless --force is given.")]
pub(crate) struct KeygenArgs {
    /// Where to write the private key (PKCS#8 PEM, mode 0600). Keep it secret.
    #[arg(long, value_name = "FILE")]
    private: PathBuf,

    /// Where to write the public key (SPKI PEM), for `edjwt verify --key`.
    #[arg(long, value_name = "FILE")]
    public: PathBuf,

    /// Replace existing files (each is replaced atomically).
    #[arg(long)]
    force: bool,
}

pub(crate) fn run(args: &KeygenArgs) -> Result<(), Failure> {
    if args.private == args.public {
        return Err(Failure::Usage(
            "--private and --public name the same file; give two different paths".to_owned(),
        ));
    }
    if !args.force {
        for path in [&args.private, &args.public] {
            if fs::symlink_metadata(path).is_ok() {
                return Err(exists(path));
            }
        }
    }
    let pair = KeyPair::generate();
    write(&args.private, &private_pem(&pair), 0o600, args.force)?;
    write(&args.public, &public_pem(&pair), 0o644, args.force)?;
    let private = args.private.display();
    let public = args.public.display();
    out(&format!(
        "wrote {private} (Ed25519 private key, PKCS#8, mode 0600: keep it secret)"
    ));
    out(&format!("wrote {public} (public key for the verifier)"));
    out(&format!(
        "next: edjwt sign --key {} --aud api | edjwt verify --key {} --aud api",
        shell_word(&private.to_string()),
        shell_word(&public.to_string())
    ));
    Ok(())
}

fn exists(path: &Path) -> Failure {
    Failure::Usage(format!(
        "{} already exists; refusing to overwrite a key (pass --force to replace it)",
        path.display()
    ))
}

/// Writes a new file with `mode` (before umask). Without `force` the file must not exist
/// (`create_new`, so no race can make this overwrite one); with `force` the text goes to a
/// new temporary file beside it that is then renamed over it, so the key never sits in a
/// file with the old file's looser mode.
fn write(path: &Path, text: &str, mode: u32, force: bool) -> Result<(), Failure> {
    let fail = |e: io::Error| match e.kind() {
        io::ErrorKind::AlreadyExists => exists(path),
        _ => Failure::Usage(format!("cannot write {}: {e}", path.display())),
    };
    if !force {
        return create(path, text, mode).map_err(fail);
    }
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".edjwt-tmp-{}", std::process::id()));
    let temp = path.with_file_name(name);
    let result = create(&temp, text, mode).and_then(|()| fs::rename(&temp, path));
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result.map_err(fail)
}

fn create(path: &Path, text: &str, mode: u32) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}
