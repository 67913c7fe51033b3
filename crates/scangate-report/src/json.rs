//! scangate's own JSON result (`docs/json-format.md`): the scan result as it is.

use scangate_types::ScanResult;
use std::io::{self, Write};

pub fn write(result: &ScanResult, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, result)?;
    writeln!(out)
}
