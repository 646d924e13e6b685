//! `include/edjwt.h` is written by hand; this checks it against the library: every reason
//! number and constant, the set of exported functions, and the layout of every struct as
//! the C compiler (`cc`, gcc in CI) sees it compared with Rust's `repr(C)` layout. It also
//! compiles the header as C99 and C++ with warnings as errors.

use std::collections::BTreeMap;
use std::mem::{align_of, offset_of, size_of};
use std::path::{Path, PathBuf};
use std::process::Command;

use edjwt_c::*;

fn capi() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn header() -> String {
    std::fs::read_to_string(capi().join("include/edjwt.h")).unwrap()
}

/// `#define EDJWT_NAME <integer>` lines.
fn defines() -> BTreeMap<String, u64> {
    header()
        .lines()
        .filter_map(|line| {
            let mut words = line.strip_prefix("#define ")?.split_whitespace();
            let name = words.next()?;
            let value = words.next()?.trim_end_matches('u').parse().ok()?;
            Some((name.to_owned(), value))
        })
        .collect()
}

#[test]
fn reason_numbers_match_the_library() {
    let defines = defines();
    let header: BTreeMap<&str, u64> = defines
        .iter()
        .filter(|(name, _)| *name == "EDJWT_OK" || name.starts_with("EDJWT_ERR_"))
        .map(|(name, value)| (name.as_str(), *value))
        .collect();
    let library: BTreeMap<String, u64> = reason_table()
        .map(|(number, code)| {
            let name = if code == "ok" {
                "EDJWT_OK".to_owned()
            } else {
                format!("EDJWT_ERR_{}", code.to_uppercase().replace('-', "_"))
            };
            (name, u64::try_from(number).unwrap())
        })
        .collect();
    let library: BTreeMap<&str, u64> = library.iter().map(|(n, v)| (n.as_str(), *v)).collect();
    assert_eq!(header, library);
    assert_eq!(header.len(), 31);
}

#[test]
fn constants_match_the_library() {
    let defines = defines();
    let expect = [
        ("EDJWT_VERIFIER_SIZE", VERIFIER_SIZE),
        ("EDJWT_VERIFIER_ALIGN", VERIFIER_ALIGN),
        ("EDJWT_MAX_KEYS", MAX_KEYS),
        ("EDJWT_MAX_POLICY_VALUES", MAX_POLICY_VALUES),
        ("EDJWT_MAX_POLICY_TEXT", MAX_POLICY_TEXT),
        ("EDJWT_DEFAULT_MAX_TOKEN_LEN", edjwt::DEFAULT_MAX_TOKEN_LEN),
        (
            "EDJWT_DEFAULT_LEEWAY",
            usize::try_from(edjwt::DEFAULT_LEEWAY).unwrap(),
        ),
        (
            "EDJWT_POLICY_ALLOW_MISSING_EXP",
            usize::try_from(EDJWT_POLICY_ALLOW_MISSING_EXP).unwrap(),
        ),
    ];
    for (name, value) in expect {
        assert_eq!(
            defines.get(name),
            Some(&u64::try_from(value).unwrap()),
            "{name}"
        );
    }
}

/// Names of the `#[unsafe(no_mangle)]` functions in `src/`.
fn exported_functions() -> Vec<String> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(capi().join("src")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            if line.trim() == "#[unsafe(no_mangle)]" {
                let def = lines.next().unwrap();
                let name = def.split("fn ").nth(1).unwrap().split('(').next().unwrap();
                assert!(def.contains("extern \"C\" fn"), "{def}");
                names.push(name.to_owned());
            }
        }
    }
    names.sort();
    names
}

/// Names of the functions the header declares (`edjwt_name(` outside comments and macros).
fn declared_functions() -> Vec<String> {
    let mut names = Vec::new();
    let mut in_comment = false;
    for line in header().lines() {
        let mut code = String::new();
        let mut rest = line;
        loop {
            if in_comment {
                match rest.find("*/") {
                    Some(end) => {
                        rest = &rest[end + 2..];
                        in_comment = false;
                    }
                    None => break,
                }
            } else {
                match rest.find("/*") {
                    Some(start) => {
                        code.push_str(&rest[..start]);
                        rest = &rest[start + 2..];
                        in_comment = true;
                    }
                    None => {
                        code.push_str(rest);
                        break;
                    }
                }
            }
        }
        if code.trim_start().starts_with('#') {
            continue;
        }
        for (i, _) in code.match_indices("edjwt_") {
            let name: String = code[i..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if code[i + name.len()..].starts_with('(') {
                names.push(name);
            }
        }
    }
    names.sort();
    names
}

#[test]
fn the_header_declares_exactly_the_exported_functions() {
    let exported = exported_functions();
    assert_eq!(exported.len(), 13, "{exported:?}");
    assert_eq!(declared_functions(), exported);
}

/// `(name, value)` pairs the Rust side computes for the structs the header declares.
fn rust_layout() -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut push = |name: &str, value: usize| out.push((name.to_owned(), value));
    push("sizeof(edjwt_verifier)", size_of::<EdjwtVerifier>());
    push("_Alignof(edjwt_verifier)", align_of::<EdjwtVerifier>());
    push("sizeof(edjwt_str)", size_of::<EdjwtStr>());
    push("offsetof(edjwt_str, len)", offset_of!(EdjwtStr, len));
    push("sizeof(edjwt_policy)", size_of::<EdjwtPolicy>());
    push("_Alignof(edjwt_policy)", align_of::<EdjwtPolicy>());
    macro_rules! fields {
        ($rust:ty, $c:literal, $($field:ident),*) => {
            $(push(
                concat!("offsetof(", $c, ", ", stringify!($field), ")"),
                offset_of!($rust, $field),
            );)*
        };
    }
    fields!(
        EdjwtPolicy,
        "edjwt_policy",
        issuers,
        issuers_len,
        audiences,
        audiences_len,
        required_claims,
        required_claims_len,
        subject,
        typ,
        leeway,
        max_age,
        max_token_len,
        max_header_len,
        flags
    );
    push("sizeof(edjwt_result)", size_of::<EdjwtResult>());
    push("_Alignof(edjwt_result)", align_of::<EdjwtResult>());
    fields!(
        EdjwtResult,
        "edjwt_result",
        reason,
        http_status,
        has_exp,
        reserved,
        exp,
        claims,
        claims_len,
        subject,
        subject_len,
        key_index
    );
    out
}

/// A directory of this test's own: tests run in parallel threads of one process, so the
/// name carries the test's name as well as the process id.
fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("edjwt-capi-header-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn cc() -> String {
    std::env::var("CC").unwrap_or_else(|_| "cc".to_owned())
}

#[test]
fn struct_layouts_agree_with_the_c_compiler() {
    let layout = rust_layout();
    let mut program = String::from(
        "#include <stdio.h>\n#include <stddef.h>\n#include \"edjwt.h\"\nint main(void) {\n",
    );
    for (expr, _) in &layout {
        program.push_str(&format!("    printf(\"%zu\\n\", (size_t){expr});\n"));
    }
    program.push_str("    return 0;\n}\n");
    let dir = temp_dir("layout");
    let source = dir.join("layout.c");
    let binary = dir.join("layout");
    std::fs::write(&source, program).unwrap();
    let compiled = Command::new(cc())
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I"])
        .arg(capi().join("include"))
        .arg(&source)
        .arg("-o")
        .arg(&binary)
        .output()
        .expect("a C compiler (`cc`; apt-get install gcc)");
    assert!(
        compiled.status.success(),
        "{}",
        String::from_utf8_lossy(&compiled.stderr)
    );
    let run = Command::new(&binary).output().unwrap();
    let values: Vec<usize> = String::from_utf8(run.stdout)
        .unwrap()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    assert_eq!(values.len(), layout.len());
    for ((expr, rust), c) in layout.iter().zip(values) {
        assert_eq!(*rust, c, "{expr}: Rust {rust}, C {c}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_header_compiles_as_c99_and_cpp() {
    let dir = temp_dir("compile");
    std::fs::create_dir_all(&dir).unwrap();
    let source = dir.join("use.c");
    std::fs::write(
        &source,
        "#include \"edjwt.h\"\nstatic edjwt_verifier v;\nint f(void) { edjwt_policy p; \
         edjwt_policy_init(&p); return edjwt_verifier_init(&v, sizeof v, 0, 0, &p); }\n",
    )
    .unwrap();
    for (compiler, args) in [
        (cc(), &["-std=c99", "-x", "c"][..]),
        (
            std::env::var("CXX").unwrap_or_else(|_| "c++".to_owned()),
            &["-std=c++11", "-x", "c++"][..],
        ),
    ] {
        let out = Command::new(&compiler)
            .args(["-fsyntax-only", "-Wall", "-Wextra", "-Werror", "-pedantic"])
            .args(args)
            .arg("-I")
            .arg(capi().join("include"))
            .arg(&source)
            .output()
            .unwrap_or_else(|e| panic!("{compiler}: {e}"));
        assert!(
            out.status.success(),
            "{compiler}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}
