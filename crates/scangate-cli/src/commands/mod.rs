pub mod ci;
pub mod db;
pub mod fs;
pub mod gate;
mod output;
pub mod rootfs;
mod scan;
mod vulns;
