pub mod db;
pub mod fs;
mod output;
mod vulns;
