//! The image analysis cache: where it is, how big it may grow, and `scangate cache`.

use anyhow::Context as _;
use clap::{Args, Subcommand};
use scangate_image::Cache;
use scangate_image::cache::DEFAULT_MAX_BYTES;
use std::path::PathBuf;
use std::process::ExitCode;

/// The cache flags of an image scan.
#[derive(Debug, Args)]
#[command(next_help_heading = "Cache")]
pub struct CacheArgs {
    /// The cache folder [default: $SCANGATE_CACHE_DIR, else the user's cache directory].
    #[arg(long, value_name = "DIR", env = "SCANGATE_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Read every layer again and keep nothing afterwards.
    #[arg(long)]
    pub no_cache: bool,

    /// The most the cache may hold; least recently used entries go first.
    #[arg(long, value_name = "SIZE", default_value_t = DEFAULT_MAX_BYTES, value_parser = parse_size)]
    pub cache_max_size: u64,
}

impl CacheArgs {
    pub fn root(&self) -> anyhow::Result<PathBuf> {
        match &self.cache_dir {
            Some(dir) => Ok(dir.clone()),
            None => Cache::default_root()
                .context("no cache directory on this system; give one with --cache-dir"),
        }
    }
}

#[derive(Debug, Args)]
pub struct CacheCommandArgs {
    #[command(subcommand)]
    command: CacheCommand,

    /// The cache folder [default: $SCANGATE_CACHE_DIR, else the user's cache directory].
    #[arg(long, value_name = "DIR", env = "SCANGATE_CACHE_DIR", global = true)]
    cache_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum CacheCommand {
    /// Remove every cached layer analysis and match result.
    Clean,
}

pub fn run(args: CacheCommandArgs) -> anyhow::Result<ExitCode> {
    let root = CacheArgs {
        cache_dir: args.cache_dir,
        no_cache: false,
        cache_max_size: DEFAULT_MAX_BYTES,
    }
    .root()?;
    match args.command {
        CacheCommand::Clean => {
            let removed = scangate_image::cache::clean(&root)
                .with_context(|| format!("cannot clean the cache {}", root.display()))?;
            println!(
                "removed {} entries ({}) from {}",
                removed.entries,
                size(removed.bytes),
                root.display()
            );
        }
    }
    Ok(crate::exit::ok())
}

/// `512`, `64K`, `500M`, `5G` (binary multiples; `KiB`, `MB`, ... accepted).
fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size (e.g. 500M, 5G)"))?;
    let shift = match unit
        .trim()
        .to_ascii_uppercase()
        .trim_end_matches("IB")
        .trim_end_matches('B')
    {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        "T" => 40,
        _ => return Err(format!("`{text}`: unknown unit (use K, M, G or T)")),
    };
    number
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("`{text}` is too large"))
}

fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / (1u64 << 20) as f64)
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_take_binary_units() {
        assert_eq!(parse_size("512"), Ok(512));
        assert_eq!(parse_size("64K"), Ok(64 << 10));
        assert_eq!(parse_size("500MiB"), Ok(500 << 20));
        assert_eq!(parse_size("5G"), Ok(5 << 30));
        assert_eq!(parse_size("5gb"), Ok(5 << 30));
        assert_eq!(
            parse_size("5X"),
            Err("`5X`: unknown unit (use K, M, G or T)".to_string())
        );
        assert_eq!(
            parse_size("lots"),
            Err("`lots` is not a size (e.g. 500M, 5G)".to_string())
        );
    }
}
