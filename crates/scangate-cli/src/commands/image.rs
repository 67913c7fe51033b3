//! `scangate image REF`: a container image, read layer by layer from wherever it is, never run.

use super::progress::LayerProgress;
use super::scan::Plan;
use crate::cli::ImageArgs;
use anyhow::Context as _;
use scangate_image::{Cache, SourceOptions, analysis, sources};
use scangate_types::ScanTarget;
use std::process::ExitCode;

pub fn run(args: ImageArgs) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let plan = Plan::new(&args.scan, &cwd)?;
    // --no-cache: a cache of this scan alone, gone when it ends.
    let scratch;
    let cache_root = if args.cache.no_cache {
        scratch = tempfile::tempdir().context("cannot create a temporary folder")?;
        scratch.path().to_path_buf()
    } else {
        args.cache.root()?
    };
    let cache = Cache::open(&cache_root, args.cache.cache_max_size)
        .with_context(|| format!("cannot use the cache {}", cache_root.display()))?;
    let options = SourceOptions {
        platform: args.platform.clone(),
        insecure_registries: args.insecure_registry.clone(),
        temp_dir: cache.tmp_dir(),
        containerd_namespace: Some(args.containerd_namespace.clone()),
    };
    let source = sources::open(&args.reference, &args.image_src, &options)?;
    let catalogers = scangate_catalog::registry::system();
    let progress = LayerProgress::new(source.image(), args.scan.output.quiet);
    let inventory = analysis::analyze(
        source.as_ref(),
        &cache,
        &catalogers,
        args.max_file_size,
        &progress,
    )
    .with_context(|| format!("cannot scan {}", args.reference))?;
    progress.finish();
    let target = ScanTarget {
        kind: "image".to_string(),
        name: source.image().reference.clone(),
    };
    let code = plan.conclude(target, inventory, Some(&cache))?;
    // Bounded after the scan, so this scan's own entries count as the most recently used.
    cache.evict();
    Ok(code)
}
