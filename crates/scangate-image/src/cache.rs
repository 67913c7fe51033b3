//! The analysis cache: a directory of immutable entries named by content digests.
//!
//! - `layers/<digest>-<variant>/`: one layer's kept files and index, named by its diff id and
//!   what the analysis keeps (see [`crate::analysis`]), so an image sharing a base only reads its
//!   new layers.
//! - `results/<kind>/<key>.json`: small derived results (match results per layer and database).
//! - `tmp/`: entries being written and files sources spool; renamed into place when complete.
//!
//! Entries are written under `tmp/` and renamed into place, so a reader never sees half an entry,
//! and two scans writing the same entry both succeed (the second rename finds it there). Scans
//! hold a shared lock on `lock`; eviction and `cache clean` need the exclusive lock, so they never
//! remove what a running scan reads. Least recently used entries go first: using an entry touches
//! its modification time.

use crate::ImageError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Default bound on the cache's size (`--cache-max-size`).
pub const DEFAULT_MAX_BYTES: u64 = 5 * 1024 * 1024 * 1024;

/// An open cache directory.
pub struct Cache {
    root: PathBuf,
    max_bytes: u64,
    /// Held shared for as long as the cache is open.
    lock: File,
}

impl Cache {
    /// Opens (creating) the cache at `root`, bounded to `max_bytes`.
    pub fn open(root: &Path, max_bytes: u64) -> Result<Cache, ImageError> {
        let io_err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| ImageError::Io { path, source }
        };
        for dir in ["layers", "results", "tmp"] {
            let dir = root.join(dir);
            fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        }
        let lock_path = root.join("lock");
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io_err(&lock_path))?;
        lock.lock_shared().map_err(io_err(&lock_path))?;
        Ok(Cache {
            root: root.to_path_buf(),
            max_bytes,
            lock,
        })
    }

    /// The default location: `$XDG_CACHE_HOME/scangate/images` (or the platform's cache folder).
    pub fn default_root() -> Option<PathBuf> {
        dirs::cache_dir().map(|dir| dir.join("scangate").join("images"))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where entries are staged and sources may spool: inside the cache.
    pub fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    /// A fresh private directory under `tmp/`, removed on drop unless committed.
    pub fn stage(&self) -> Result<tempfile::TempDir, ImageError> {
        tempfile::Builder::new()
            .prefix("stage-")
            .tempdir_in(self.tmp_dir())
            .map_err(|source| ImageError::Io {
                path: self.tmp_dir(),
                source,
            })
    }

    /// The finished entry for the layer with `diff_id` analysed as `variant` says, if there is
    /// one; using it counts as use.
    pub fn layer(&self, diff_id: &str, variant: &str) -> Option<PathBuf> {
        let path = self.layer_path(diff_id, variant)?;
        path.is_dir().then(|| {
            touch(&path);
            path
        })
    }

    /// Moves a staged layer entry into place and returns its path. When another scan got there
    /// first, its entry is kept and ours dropped: both hold the same content.
    pub fn commit_layer(
        &self,
        diff_id: &str,
        variant: &str,
        staged: tempfile::TempDir,
    ) -> Result<PathBuf, ImageError> {
        let path = self
            .layer_path(diff_id, variant)
            .ok_or_else(|| ImageError::Format {
                what: "image config".to_string(),
                message: format!("invalid diff id {diff_id:?}"),
            })?;
        let staged = staged.keep();
        match fs::rename(&staged, &path) {
            Ok(()) => Ok(path),
            Err(_) if path.is_dir() => {
                let _ = fs::remove_dir_all(&staged);
                Ok(path)
            }
            Err(source) => {
                let _ = fs::remove_dir_all(&staged);
                Err(ImageError::Io { path, source })
            }
        }
    }

    /// A cached result, if present and readable (a damaged one is treated as absent).
    pub fn result<T: DeserializeOwned>(&self, kind: &str, key: &str) -> Option<T> {
        let path = self.result_path(kind, key)?;
        let bytes = fs::read(&path).ok()?;
        touch(&path);
        serde_json::from_slice(&bytes).ok()
    }

    /// Stores a result; a failure to store only costs the next scan some work.
    pub fn store_result<T: Serialize>(&self, kind: &str, key: &str, value: &T) {
        let Some(path) = self.result_path(kind, key) else {
            return;
        };
        let Ok(bytes) = serde_json::to_vec(value) else {
            return;
        };
        let write = || -> io::Result<()> {
            fs::create_dir_all(path.parent().expect("results have a folder"))?;
            let mut staged = tempfile::NamedTempFile::new_in(self.tmp_dir())?;
            io::Write::write_all(&mut staged, &bytes)?;
            staged.persist(&path).map_err(|err| err.error)?;
            Ok(())
        };
        if let Err(err) = write() {
            tracing::debug!("cannot store {}: {err}", path.display());
        }
    }

    /// Removes least recently used entries until the cache fits its bound. Skipped (returns
    /// `None`) while another scan holds the cache.
    pub fn evict(self) -> Option<Eviction> {
        let Cache {
            root,
            max_bytes,
            lock,
        } = self;
        lock.unlock().ok()?;
        lock.try_lock().ok()?;
        Some(evict_locked(&root, max_bytes))
    }

    fn layer_path(&self, diff_id: &str, variant: &str) -> Option<PathBuf> {
        let name = digest_file_name(diff_id)?;
        let variant_ok = !variant.is_empty() && variant.bytes().all(|b| b.is_ascii_alphanumeric());
        variant_ok.then(|| self.root.join("layers").join(format!("{name}-{variant}")))
    }

    fn result_path(&self, kind: &str, key: &str) -> Option<PathBuf> {
        let kind_ok = !kind.is_empty() && kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
        let key = digest_file_name(key)?;
        kind_ok.then(|| self.root.join("results").join(kind).join(key + ".json"))
    }
}

/// What an eviction or a clean removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Eviction {
    pub entries: usize,
    pub bytes: u64,
    /// The cache's size afterwards.
    pub remaining: u64,
}

/// Empties the cache at `root`. Fails when a scan is using it.
pub fn clean(root: &Path) -> Result<Eviction, ImageError> {
    let lock_path = root.join("lock");
    if !lock_path.exists() {
        return Ok(Eviction::default());
    }
    let lock = File::options()
        .write(true)
        .open(&lock_path)
        .map_err(|source| ImageError::Io {
            path: lock_path.clone(),
            source,
        })?;
    lock.try_lock().map_err(|_| ImageError::Unavailable {
        source_name: "cache",
        message: format!("{} is in use by a running scan", root.display()),
    })?;
    Ok(evict_locked(root, 0))
}

/// `sha256:ab12…` as a file name (`sha256-ab12…`), or `None` for anything that is not a plain
/// digest: names come from image configs, which are untrusted.
fn digest_file_name(digest: &str) -> Option<String> {
    let (algorithm, hex) = digest.split_once(':')?;
    let algorithm_ok = !algorithm.is_empty()
        && algorithm
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    let hex_ok = hex.len() >= 32 && hex.bytes().all(|b| b.is_ascii_hexdigit());
    (algorithm_ok && hex_ok).then(|| format!("{algorithm}-{}", hex.to_ascii_lowercase()))
}

fn touch(path: &Path) {
    if let Ok(file) = File::open(path) {
        let _ = file.set_modified(SystemTime::now());
    }
}

/// Every entry with its size and last use, oldest first.
fn entries(root: &Path) -> Vec<(SystemTime, u64, PathBuf)> {
    let mut found = Vec::new();
    let mut add = |path: PathBuf| {
        if let Ok(meta) = fs::symlink_metadata(&path) {
            let used = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            found.push((used, size_of(&path), path));
        }
    };
    for dir in ["layers", "tmp"] {
        for entry in fs::read_dir(root.join(dir)).into_iter().flatten().flatten() {
            add(entry.path());
        }
    }
    for kind in fs::read_dir(root.join("results"))
        .into_iter()
        .flatten()
        .flatten()
    {
        for entry in fs::read_dir(kind.path()).into_iter().flatten().flatten() {
            add(entry.path());
        }
    }
    found.sort();
    found
}

fn size_of(path: &Path) -> u64 {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return 0;
    };
    if !meta.is_dir() {
        return meta.len();
    }
    fs::read_dir(path)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| size_of(&entry.path()))
        .sum()
}

/// With the exclusive lock held: removes the oldest entries until at most `max_bytes` remain.
/// Leftovers in `tmp/` are from scans that died (no scan runs now), so they go regardless.
fn evict_locked(root: &Path, max_bytes: u64) -> Eviction {
    let entries = entries(root);
    let tmp = root.join("tmp");
    let mut remaining: u64 = entries.iter().map(|(_, size, _)| size).sum();
    let mut eviction = Eviction::default();
    for (_, size, path) in entries {
        if remaining <= max_bytes && !path.starts_with(&tmp) {
            continue;
        }
        let removed = if path.is_dir() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
        if removed.is_ok() {
            remaining -= size;
            eviction.entries += 1;
            eviction.bytes += size;
        }
    }
    eviction.remaining = remaining;
    eviction
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const DIFF_A: &str = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const DIFF_B: &str = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    fn staged_with(cache: &Cache, bytes: usize) -> tempfile::TempDir {
        let staged = cache.stage().unwrap();
        fs::write(staged.path().join("index.json"), vec![b'x'; bytes]).unwrap();
        staged
    }

    fn age(path: &Path, seconds_ago: u64) {
        let when = SystemTime::now() - Duration::from_secs(seconds_ago);
        File::open(path).unwrap().set_modified(when).unwrap();
    }

    #[test]
    fn layers_are_found_by_diff_id_once_committed() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), DEFAULT_MAX_BYTES).unwrap();
        assert_eq!(cache.layer(DIFF_A, "k1"), None);
        let staged = staged_with(&cache, 10);
        let path = cache.commit_layer(DIFF_A, "k1", staged).unwrap();
        assert_eq!(cache.layer(DIFF_A, "k1"), Some(path.clone()));
        // The same layer analysed for other catalogers or limits is another entry.
        assert_eq!(cache.layer(DIFF_A, "k2"), None);
        assert!(path.ends_with(format!("sha256-{}-k1", &DIFF_A[7..])));
        // A second scan that analysed the same layer keeps the first entry and drops its own.
        let again = staged_with(&cache, 20);
        assert_eq!(cache.commit_layer(DIFF_A, "k1", again).unwrap(), path);
        assert_eq!(fs::metadata(path.join("index.json")).unwrap().len(), 10);
        assert_eq!(fs::read_dir(cache.tmp_dir()).unwrap().count(), 0);
    }

    #[test]
    fn names_from_image_configs_never_leave_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), DEFAULT_MAX_BYTES).unwrap();
        for bad in ["../../etc", "sha256:../../x", "sha256:zz", "/abs:0123", ""] {
            assert_eq!(cache.layer(bad, "k1"), None, "{bad}");
            let staged = staged_with(&cache, 1);
            assert!(cache.commit_layer(bad, "k1", staged).is_err(), "{bad}");
            let staged = staged_with(&cache, 1);
            assert!(cache.commit_layer(DIFF_A, bad, staged).is_err(), "{bad}");
            cache.store_result("matches", bad, &1);
            assert_eq!(cache.result::<u32>("matches", bad), None);
        }
        cache.store_result("../x", DIFF_A, &1);
        assert!(!dir.path().join("x").exists());
        assert_eq!(fs::read_dir(cache.tmp_dir()).unwrap().count(), 0);
    }

    #[test]
    fn results_round_trip_and_a_damaged_one_is_absent() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), DEFAULT_MAX_BYTES).unwrap();
        cache.store_result("matches", DIFF_B, &vec!["CVE-2024-1".to_string()]);
        assert_eq!(
            cache.result::<Vec<String>>("matches", DIFF_B),
            Some(vec!["CVE-2024-1".to_string()])
        );
        let file = dir
            .path()
            .join("results/matches")
            .join(format!("sha256-{}.json", &DIFF_B[7..]));
        fs::write(&file, b"{not json").unwrap();
        assert_eq!(cache.result::<Vec<String>>("matches", DIFF_B), None);
    }

    #[test]
    fn eviction_removes_the_least_recently_used_first() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), 1500).unwrap();
        let a = cache
            .commit_layer(DIFF_A, "k1", staged_with(&cache, 1000))
            .unwrap();
        let b = cache
            .commit_layer(DIFF_B, "k1", staged_with(&cache, 1000))
            .unwrap();
        age(&a, 100);
        age(&b, 200);
        // Using A makes B the oldest.
        assert!(cache.layer(DIFF_A, "k1").is_some());
        let eviction = cache.evict().unwrap();
        assert_eq!(
            eviction,
            Eviction {
                entries: 1,
                bytes: 1000,
                remaining: 1000
            }
        );
        assert!(a.exists());
        assert!(!b.exists());
    }

    #[test]
    fn a_running_scan_blocks_eviction_and_clean() {
        let dir = tempfile::tempdir().unwrap();
        let running = Cache::open(dir.path(), 0).unwrap();
        running
            .commit_layer(DIFF_A, "k1", staged_with(&running, 100))
            .unwrap();
        let other = Cache::open(dir.path(), 0).unwrap();
        assert_eq!(other.evict(), None);
        let err = clean(dir.path()).unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "cache: {} is in use by a running scan",
                dir.path().display()
            )
        );
        assert!(running.layer(DIFF_A, "k1").is_some());
        drop(running);
        assert_eq!(
            clean(dir.path()).unwrap(),
            Eviction {
                entries: 1,
                bytes: 100,
                remaining: 0
            }
        );
    }
}
