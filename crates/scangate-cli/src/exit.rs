//! Exit codes, documented in the README.

use std::process::ExitCode;

/// The scan ran (and, once gating exists, passed).
pub fn ok() -> ExitCode {
    ExitCode::SUCCESS
}

/// The scan could not run: bad arguments, an unreadable target.
pub fn cannot_run() -> ExitCode {
    ExitCode::from(2)
}
