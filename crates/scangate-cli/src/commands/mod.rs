pub mod ci;
pub mod db;
pub mod fs;
pub mod gate;
mod output;
mod vulns;
