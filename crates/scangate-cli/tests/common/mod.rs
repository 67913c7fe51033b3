//! Helpers shared by the CLI's test files.

/// In CI a missing validator is a failure; elsewhere the test says why it did not run.
pub fn missing_tool(tool: &str) {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{tool} is required in CI (.ci/run installs it)");
    }
    eprintln!("skipped: {tool} is not installed");
}
