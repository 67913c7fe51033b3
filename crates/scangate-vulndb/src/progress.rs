//! Progress of a build or an update, for a caller that shows it.

/// What the numbers of a step count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Bytes,
    Records,
}

/// Hears how a build or an update goes. Every method does nothing unless overridden; the CLI
/// draws a bar on a terminal.
pub trait Progress: Sync {
    /// A step begins: downloading or reading `label`, `total` units long when known.
    fn begin(&self, _label: &str, _total: Option<u64>, _unit: Unit) {}
    /// `n` more units of the current step are done.
    fn advance(&self, _n: u64) {}
    /// The current step is over.
    fn end(&self) {}
}

/// Shows nothing.
pub struct Silent;

impl Progress for Silent {}
