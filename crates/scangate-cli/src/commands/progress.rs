//! Progress of an image scan: a bar on a terminal; in CI (no terminal) one line per layer.

use indicatif::{ProgressBar, ProgressStyle};
use scangate_image::Image;
use scangate_image::analysis::Progress;
use scangate_types::LayerRef;
use std::io::IsTerminal;
use std::time::Duration;

pub struct LayerProgress {
    bar: Option<ProgressBar>,
    /// Print a line per layer (no terminal, not quiet).
    lines: bool,
    layers: usize,
}

impl LayerProgress {
    pub fn new(image: &Image, quiet: bool) -> LayerProgress {
        let layers = image.layers.len();
        let on_terminal = std::io::stderr().is_terminal();
        let bar = (on_terminal && !quiet).then(|| {
            // Archives from `docker save` do not give layer sizes: then bytes without a total.
            let total: Option<u64> = image.layers.iter().map(|l| l.size).sum();
            let (bar, template) = match total {
                Some(total) => (
                    ProgressBar::new(total),
                    "{spinner} {msg} [{bar:30}] {binary_bytes}/{binary_total_bytes} ({binary_bytes_per_sec})",
                ),
                None => (
                    ProgressBar::no_length(),
                    "{spinner} {msg} {binary_bytes} ({binary_bytes_per_sec})",
                ),
            };
            let style = ProgressStyle::with_template(template)
                .expect("a valid template")
                .progress_chars("=> ");
            bar.set_style(style);
            bar.set_message(format!("reading {layers} layers"));
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        LayerProgress {
            bar,
            lines: !on_terminal && !quiet,
            layers,
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn line(&self, layer: &LayerRef, what: &str) {
        if self.lines {
            eprintln!(
                "scangate: layer {}/{} {}: {what}",
                layer.index + 1,
                self.layers,
                short(&layer.diff_id)
            );
        }
    }
}

impl Progress for LayerProgress {
    fn layer_started(&self, layer: &LayerRef, size: Option<u64>, cached: bool) {
        if cached {
            if let (Some(bar), Some(size)) = (&self.bar, size) {
                bar.inc(size);
            }
            self.line(layer, "analysis found in the cache");
        }
    }

    fn layer_bytes(&self, _: &LayerRef, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
        }
    }

    fn layer_done(&self, layer: &LayerRef) {
        self.line(layer, "read");
    }
}

/// `sha256:0123456789ab`: enough of a digest to tell layers apart in a log.
fn short(digest: &str) -> &str {
    let end = digest.find(':').map_or(0, |colon| colon + 1) + 12;
    digest.get(..end).unwrap_or(digest)
}
