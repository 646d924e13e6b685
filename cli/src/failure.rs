//! How a command fails, and the exit status and last stderr line each failure gives.

use std::process::ExitCode;

/// A token refused by the core, with at most one line of advice for the operator.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub(crate) error: edjwt::Error,
    pub(crate) hint: Option<String>,
}

impl Refusal {
    pub(crate) fn new(error: edjwt::Error, hint: impl Into<String>) -> Self {
        Refusal {
            error,
            hint: Some(hint.into()),
        }
    }
}

/// Why a command did not succeed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Exit 1. The token was refused; the last stderr line is `<verb>: <code>: <message>`
    /// (`rejected` for `verify`, `cannot inspect` for `inspect`).
    Token {
        verb: &'static str,
        refusal: Refusal,
    },
    /// Exit 1 with a message (a `demo` step that did not behave).
    Failed(String),
    /// Exit 2: the command cannot run as asked (arguments, key files, output files). The
    /// message says what is wrong and what to do.
    Usage(String),
}

impl From<Refusal> for Failure {
    /// A refusal as `verify` reports it; `inspect` re-labels it.
    fn from(refusal: Refusal) -> Self {
        Failure::Token {
            verb: "rejected",
            refusal,
        }
    }
}

impl Failure {
    /// Prints the failure to stderr and gives the exit status.
    pub(crate) fn report(self) -> ExitCode {
        match self {
            Failure::Token { verb, refusal } => {
                if let Some(hint) = refusal.hint {
                    crate::output::err(&format!("hint: {hint}"));
                }
                let error = refusal.error;
                crate::output::err(&format!("{verb}: {}: {}", error.code(), error.message()));
                ExitCode::from(1)
            }
            Failure::Failed(message) => {
                crate::output::err(&format!("error: {message}"));
                ExitCode::from(1)
            }
            Failure::Usage(message) => {
                crate::output::err(&format!("error: {message}"));
                ExitCode::from(2)
            }
        }
    }
}
