//! Shared helpers for catalogers: parsing with errors that name a line, and finding the line
//! of a declaration in formats whose parsers do not report positions.

pub mod json;
pub mod lines;
pub mod toml;
pub mod yaml;

pub use lines::LineIndex;

/// A parser's message without the ` at line L column C` serde appends: the line is reported
/// on its own.
fn without_position(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}
