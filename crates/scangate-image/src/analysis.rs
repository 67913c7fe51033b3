//! From an image to an inventory: each layer read once (or taken from the cache), the layers
//! merged into one view, the view catalogued, and each package attributed to its layer.

use crate::layers::{Interest, LayerIndex, extract_layer};
use crate::{Cache, ImageError, ImageSource, ImageView, Layer, attribute};
use rayon::prelude::*;
use scangate_catalog::Cataloger;
use scangate_types::{Inventory, LayerRef};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// The most layers an image may have: Docker stops at 127 and real images at a few dozen;
/// each layer costs a merge and an index in memory.
pub const MAX_LAYERS: usize = 1000;

/// What a scan reports of its layers as it goes.
pub trait Progress: Sync {
    /// The layer is about to be read (`cached`: it is not, its analysis is in the cache).
    fn layer_started(&self, layer: &LayerRef, size: Option<u64>, cached: bool);
    /// `bytes` more of the layer's blob were read.
    fn layer_bytes(&self, layer: &LayerRef, bytes: u64);
    /// The layer was read (not called for a layer found in the cache).
    fn layer_done(&self, layer: &LayerRef);
}

/// Reports nothing.
pub struct Quiet;

impl Progress for Quiet {
    fn layer_started(&self, _: &LayerRef, _: Option<u64>, _: bool) {}
    fn layer_bytes(&self, _: &LayerRef, _: u64) {}
    fn layer_done(&self, _: &LayerRef) {}
}

/// The image's packages, with the layer that brought each in, and every problem met.
pub fn analyze(
    source: &dyn ImageSource,
    cache: &Cache,
    catalogers: &[&dyn Cataloger],
    max_file_size: u64,
    progress: &dyn Progress,
) -> Result<Inventory, ImageError> {
    let image = source.image();
    let wanted = |path: &str| {
        scangate_catalog::registry::consulted(path) || catalogers.iter().any(|c| c.matches(path))
    };
    let interest = Interest {
        path: &wanted,
        executables: catalogers.iter().any(|c| c.reads_executables()),
        markers: scangate_catalog::EXECUTABLE_MARKERS,
        max_file_size,
    };
    let variant = variant(catalogers, &interest);
    if image.layers.len() > MAX_LAYERS {
        return Err(ImageError::Format {
            what: image.reference.clone(),
            message: format!(
                "{} layers, over {MAX_LAYERS}; image refused",
                image.layers.len()
            ),
        });
    }
    let layer_ref = |index: usize, layer: &Layer| LayerRef {
        index,
        diff_id: layer.diff_id.clone(),
        created_by: layer.created_by.clone(),
    };
    // A layer repeated in the image (same diff id) is read and held once.
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (index, layer) in image.layers.iter().enumerate() {
        first.entry(&layer.diff_id).or_insert(index);
    }
    // Layers are independent until merged: read them on every core.
    let read: HashMap<&str, (PathBuf, Arc<LayerIndex>)> = first
        .par_iter()
        .map(|(&diff_id, &index)| {
            let layer = &image.layers[index];
            let dir = layer_entry(
                source,
                cache,
                layer,
                &layer_ref(index, layer),
                &interest,
                &variant,
                progress,
            )?;
            let loaded = LayerIndex::load(&dir)?;
            Ok((diff_id, (dir, Arc::new(loaded))))
        })
        .collect::<Result<_, ImageError>>()?;
    let layers: Vec<(LayerRef, PathBuf, Arc<LayerIndex>)> = image
        .layers
        .iter()
        .enumerate()
        .map(|(index, layer)| {
            let (dir, loaded) = &read[layer.diff_id.as_str()];
            (layer_ref(index, layer), dir.clone(), Arc::clone(loaded))
        })
        .collect();
    let view = ImageView::new(layers, max_file_size);
    let mut inventory = scangate_catalog::scan(&view, catalogers);
    attribute(&mut inventory, &view, catalogers);
    inventory.issues.extend(view.issues());
    inventory.issues.sort();
    Ok(inventory)
}

/// Bumped whenever what a layer entry holds changes in a way the variant does not show (which
/// files a cataloger matches, the index format).
const LAYER_FORMAT: u32 = 1;

/// What a layer's cache entry depends on besides the layer: the catalogers (names, and the
/// release they come with), what is kept and the size limit. A scan with other settings reads
/// the layer again rather than trust an entry that lacks what it needs.
fn variant(catalogers: &[&dyn Cataloger], interest: &Interest<'_>) -> String {
    let mut key = Sha256::new();
    key.update(format!(
        "{LAYER_FORMAT} {} {} {} {:?}",
        env!("CARGO_PKG_VERSION"),
        interest.max_file_size,
        interest.executables,
        interest.markers
    ));
    for cataloger in catalogers {
        key.update(cataloger.name());
        key.update([0]);
    }
    let digest = key.finalize();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The cache entry of one layer: found, or made by reading the layer's blob.
fn layer_entry(
    source: &dyn ImageSource,
    cache: &Cache,
    layer: &Layer,
    layer_ref: &LayerRef,
    interest: &Interest<'_>,
    variant: &str,
    progress: &dyn Progress,
) -> Result<PathBuf, ImageError> {
    if let Some(dir) = cache.layer(&layer.diff_id, variant) {
        progress.layer_started(layer_ref, layer.size, true);
        return Ok(dir);
    }
    progress.layer_started(layer_ref, layer.size, false);
    let staged = cache.stage()?;
    let mut blob = source.blob(&layer.digest)?;
    let mut reported = 0;
    extract_layer(
        &mut blob,
        layer,
        interest,
        staged.path(),
        &mut |read_so_far| {
            progress.layer_bytes(layer_ref, read_so_far.saturating_sub(reported));
            reported = reported.max(read_so_far);
        },
    )?;
    let dir = cache.commit_layer(&layer.diff_id, variant, staged)?;
    progress.layer_done(layer_ref);
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_entries_differ_by_what_the_scan_keeps() {
        let wanted = |path: &str| path.ends_with("status");
        let interest = |max_file_size, executables| Interest {
            path: &wanted,
            executables,
            markers: scangate_catalog::EXECUTABLE_MARKERS,
            max_file_size,
        };
        let all = scangate_catalog::registry::system();
        let os = scangate_catalog::registry::os();
        let base = variant(&all, &interest(100, true));
        assert_eq!(base.len(), 16);
        assert_eq!(base, variant(&all, &interest(100, true)));
        // A smaller size limit keeps less: its entries must not serve a scan with a larger one.
        assert_ne!(base, variant(&all, &interest(99, true)));
        assert_ne!(base, variant(&all, &interest(100, false)));
        assert_ne!(base, variant(os, &interest(100, true)));
    }
}
