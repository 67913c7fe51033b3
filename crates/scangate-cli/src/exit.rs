//! Exit codes, documented in the README.

use std::process::ExitCode;

/// The scan ran and the gate passed (or there was no gate).
pub fn ok() -> ExitCode {
    ExitCode::SUCCESS
}

/// The scan ran and the gate failed: DENY, or AUDIT with `--fail-on-audit`.
pub fn gate_failed() -> ExitCode {
    ExitCode::from(1)
}

/// The scan could not run: bad arguments, an unreadable target.
pub fn cannot_run() -> ExitCode {
    ExitCode::from(2)
}
