pub mod fs;
mod output;
