//! Container images: cold and warm `scangate image` over the Debian bookworm fixture image
//! (docs/testing.md) from three sources, against `gzip -dc` of the same layer blobs.

use crate::child::{self, Usage};
use anyhow::{Context as _, bail};
use scangate_image::{SourceOptions, sources};
use scangate_testimages::TestImages;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

pub struct Options {
    /// The release binary measured.
    pub scangate: PathBuf,
    /// The database warm scans match against; built from `osv` when missing.
    pub db: PathBuf,
    pub osv: PathBuf,
    /// Where cache folders and reports go.
    pub work: PathBuf,
    pub runs: usize,
}

/// One way of reaching the image.
struct Source {
    name: &'static str,
    reference: String,
    extra: Vec<String>,
}

pub fn report(opts: &Options) -> anyhow::Result<()> {
    let images = scangate_testimages::fixture().context(
        "no image fixtures (build them with `sudo .ci/test-images`, docs/testing.md, \
         or point SCANGATE_TEST_IMAGES at their folder)",
    )?;
    if !opts.scangate.is_file() {
        bail!(
            "no scangate binary at {} (build it with `cargo build --release -p scangate-cli`)",
            opts.scangate.display()
        );
    }
    ensure_db(&opts.db, &opts.osv)?;
    fs::create_dir_all(&opts.work)?;
    let work = opts.work.canonicalize()?;
    let blobs = layer_blobs(&images, &work)?;
    let sources = sources_of(&images);

    let compressed: u64 = blobs
        .iter()
        .map(|b| fs::metadata(b).map(|m| m.len()))
        .sum::<Result<_, _>>()?;
    println!(
        "image: {} ({} layers; {:.1} MiB of gzip layer blobs; docker-archive {:.1} MiB)",
        images.name,
        blobs.len(),
        mib(compressed),
        mib(fs::metadata(&images.docker_archive)?.len())
    );
    // Every source and baseline reads files the page cache already holds.
    for file in blobs.iter().chain([&images.docker_archive]) {
        std::io::copy(&mut fs::File::open(file)?, &mut std::io::sink())?;
    }

    let scangate = opts.scangate.to_string_lossy().into_owned();
    let gzip_args: Vec<OsString> = ["-dc".into()]
        .into_iter()
        .chain(blobs.iter().map(|b| b.clone().into_os_string()))
        .collect();
    let cat_args = vec![images.docker_archive.clone().into_os_string()];

    println!("\ncold scans (empty cache, --packages-only); each run's baselines next to it");
    println!("run  what            wall s  x gzip -dc  cores busy  peak RSS MiB");
    let mut gzip = Vec::new();
    let mut cat = Vec::new();
    let mut cold: Vec<Vec<(Usage, f64)>> = vec![Vec::new(); sources.len()];
    let cold_cache = work.join("cold-cache");
    for run in 1..=opts.runs {
        let g = child::measure("gzip", &gzip_args)?;
        print_run(run, "gzip -dc", g, None);
        let c = child::measure("cat", &cat_args)?;
        print_run(run, "cat d-archive", c, Some(c.wall / g.wall));
        for (source, figures) in sources.iter().zip(&mut cold) {
            remove_dir(&cold_cache)?;
            let args = scan_args(source, &cold_cache, None);
            let u = child::measure(&scangate, &args)?;
            print_run(run, source.name, u, Some(u.wall / g.wall));
            figures.push((u, u.wall / g.wall));
        }
        gzip.push(g);
        cat.push(c);
    }
    remove_dir(&cold_cache)?;

    println!("\nwarm rescans (cache filled by one scan with the database)");
    println!("run  what                      wall s  cores busy  peak RSS MiB");
    let mut warm: Vec<[Vec<Usage>; 2]> = vec![[Vec::new(), Vec::new()]; sources.len()];
    let mut counts = Vec::new();
    for source in &sources {
        let cache = work.join(format!("warm-cache-{}", source.name));
        let report = work.join(format!("report-{}.json", source.name));
        remove_dir(&cache)?;
        let args = scan_args(source, &cache, Some((&opts.db, &report)));
        child::measure(&scangate, &args)?;
        counts.push(count(&report)?);
    }
    for run in 1..=opts.runs {
        for (source, figures) in sources.iter().zip(&mut warm) {
            let cache = work.join(format!("warm-cache-{}", source.name));
            let with_db = Some((&*opts.db, Path::new("/dev/null")));
            for (db, label, slot) in [(None, "packages", 0), (with_db, "database", 1)] {
                let u = child::measure(&scangate, &scan_args(source, &cache, db))?;
                println!(
                    "{run:>3}  {:<24}  {:>6.3}  {:>10.2}  {:>12.1}",
                    format!("{} {label}", source.name),
                    u.wall,
                    u.cpu / u.wall,
                    mib_kib(u.peak_rss_kib)
                );
                figures[slot].push(u);
            }
        }
    }

    println!("\nmedians of {} runs", opts.runs);
    println!(
        "what            packages  findings  cold s  x gzip -dc  cores busy  peak RSS MiB  warm s  warm+db s"
    );
    for ((source, figures), ((packages, findings), warm)) in
        sources.iter().zip(&cold).zip(counts.iter().zip(&warm))
    {
        let walls: Vec<Usage> = figures.iter().map(|(u, _)| *u).collect();
        let u = median_by_wall(&walls);
        let ratio = median(figures.iter().map(|(_, r)| *r).collect());
        println!(
            "{:<14}  {packages:>8}  {findings:>8}  {:>6.3}  {ratio:>9.2}x  {:>10.2}  {:>12.1}  {:>6.3}  {:>9.3}",
            source.name,
            u.wall,
            u.cpu / u.wall,
            mib_kib(u.peak_rss_kib),
            median_by_wall(&warm[0]).wall,
            median_by_wall(&warm[1]).wall,
        );
    }
    for (label, figures) in [("gzip -dc", &gzip), ("cat d-archive", &cat)] {
        let u = median_by_wall(figures);
        println!(
            "{label:<14}  {:>8}  {:>8}  {:>6.3}  {:>10}  {:>10.2}  {:>12.1}",
            "",
            "",
            u.wall,
            "",
            u.cpu / u.wall,
            mib_kib(u.peak_rss_kib)
        );
    }
    Ok(())
}

fn print_run(run: usize, what: &str, u: Usage, ratio: Option<f64>) {
    let ratio = ratio.map(|r| format!("{r:.2}x")).unwrap_or_default();
    println!(
        "{run:>3}  {what:<14}  {:>6.3}  {ratio:>10}  {:>10.2}  {:>12.1}",
        u.wall,
        u.cpu / u.wall,
        mib_kib(u.peak_rss_kib)
    );
}

fn sources_of(images: &TestImages) -> Vec<Source> {
    vec![
        Source {
            name: "docker-archive",
            reference: format!("docker-archive:{}", images.docker_archive.display()),
            extra: Vec::new(),
        },
        Source {
            name: "oci-dir",
            reference: format!("oci-dir:{}:{}", images.oci_dir.display(), images.tag),
            extra: Vec::new(),
        },
        Source {
            name: "registry",
            reference: format!(
                "registry:{}/{}:{}",
                images.registry, images.repo, images.tag
            ),
            extra: vec!["--insecure-registry".to_string(), images.registry.clone()],
        },
    ]
}

/// `scangate image` as a pipeline runs it: quiet, a JSON report, the given cache; with a
/// database (and the file its report goes to), else `--packages-only`.
fn scan_args(source: &Source, cache: &Path, db: Option<(&Path, &Path)>) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec!["image".into(), source.reference.clone().into()];
    args.extend(source.extra.iter().map(OsString::from));
    args.extend(["-q".into(), "-f".into(), "json".into(), "-o".into()]);
    match db {
        Some((db, report)) => args.extend([report.into(), "--db".into(), db.into()]),
        None => args.extend(["/dev/null".into(), "--packages-only".into()]),
    }
    args.extend(["--cache-dir".into(), cache.into()]);
    args
}

/// The layer blobs of the OCI layout, base layer first.
fn layer_blobs(images: &TestImages, work: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let options = SourceOptions {
        temp_dir: work.to_path_buf(),
        ..SourceOptions::default()
    };
    let reference = format!("oci-dir:{}:{}", images.oci_dir.display(), images.tag);
    let source = sources::open(&reference, &[], &options)?;
    source
        .image()
        .layers
        .iter()
        .map(|layer| {
            let (algorithm, hex) = layer
                .digest
                .split_once(':')
                .with_context(|| format!("odd layer digest {}", layer.digest))?;
            Ok(images.oci_dir.join("blobs").join(algorithm).join(hex))
        })
        .collect()
}

/// Builds the database from the OSV folder unless it is there.
fn ensure_db(db: &Path, osv: &Path) -> anyhow::Result<()> {
    if db.is_file() {
        return Ok(());
    }
    if !osv.is_dir() {
        bail!(
            "no database at {} and no OSV folder at {} to build it from (pass --osv)",
            db.display(),
            osv.display()
        );
    }
    if let Some(dir) = db.parent() {
        fs::create_dir_all(dir)?;
    }
    println!("building {} from {}", db.display(), osv.display());
    scangate_vulndb::build(
        osv,
        db,
        &scangate_vulndb::Limits::default(),
        &scangate_vulndb::Silent,
    )
    .with_context(|| format!("cannot build from {}", osv.display()))?;
    Ok(())
}

/// Packages and findings in a JSON report.
fn count(report: &Path) -> anyhow::Result<(usize, usize)> {
    let json: serde_json::Value = serde_json::from_slice(&fs::read(report)?)
        .with_context(|| format!("cannot read the report {}", report.display()))?;
    let len = |value: &serde_json::Value| value.as_array().map_or(0, Vec::len);
    Ok((len(&json["inventory"]["packages"]), len(&json["findings"])))
}

fn remove_dir(dir: &Path) -> anyhow::Result<()> {
    match fs::remove_dir_all(dir) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            Err(err).with_context(|| format!("cannot remove {}", dir.display()))
        }
        _ => Ok(()),
    }
}

fn median_by_wall(runs: &[Usage]) -> Usage {
    let mut sorted = runs.to_vec();
    sorted.sort_by(|a, b| a.wall.total_cmp(&b.wall));
    sorted[sorted.len() / 2]
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn mib_kib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}
