//! Reading one layer: its blob streamed once through digest checks and decompression, the tar
//! entries recorded in a [`LayerIndex`], and only the files catalogers want kept on disk.

mod decompress;
mod extract;
mod index;
mod keep;
pub(crate) mod path;
mod verify;

pub(crate) use decompress::{Bounded, Overrun, headers_over};
pub use decompress::{ENTRY_COST, Limits};
pub(crate) use extract::data_end;
pub(crate) use index::stored_file;
pub use index::{Content, Entry, LayerIndex};

use crate::{ImageError, Layer};
use decompress::Decoder;
use std::io::{self, BufReader, Read};
use std::path::Path;
use verify::{Hasher, Hashing, Progress, SizeChecked};

/// What to keep from a layer.
pub struct Interest<'a> {
    /// Paths relative to the image root, no leading `/` (`var/lib/dpkg/status`).
    pub path: &'a (dyn Fn(&str) -> bool + Sync),
    /// Also keep executable regular files that start with ELF magic and contain one of `markers`.
    pub executables: bool,
    pub markers: &'a [&'a [u8]],
    /// Larger wanted files are recorded as too large, not kept.
    pub max_file_size: u64,
}

/// Streams one layer blob (compressed as stored) into `dest`, a fresh directory the caller owns,
/// with the default [`Limits`]. See [`extract_layer_with`].
pub fn extract_layer(
    blob: &mut dyn Read,
    layer: &Layer,
    interest: &Interest<'_>,
    dest: &Path,
    progress: &mut dyn FnMut(u64),
) -> Result<LayerIndex, ImageError> {
    extract_layer_with(blob, layer, interest, Limits::default(), dest, progress)
}

/// Streams one layer blob: verifies the blob digest (`layer.digest`), its size where the
/// manifest gives one (`layer.size`) and the uncompressed diff id (`layer.diff_id`) as it goes,
/// decompresses gzip, zstd or nothing by the first bytes, and writes the kept files
/// (`dest/files/<n>`, never under the image's own names) and the index (`dest/index.json`).
/// `progress` gets the number of blob bytes read so far.
///
/// On error `dest` may hold partial files and no index: the caller discards it.
pub fn extract_layer_with(
    blob: &mut dyn Read,
    layer: &Layer,
    interest: &Interest<'_>,
    limits: Limits,
    dest: &Path,
    progress: &mut dyn FnMut(u64),
) -> Result<LayerIndex, ImageError> {
    let what = format!("layer {}", layer.digest);
    let blob_hasher = Hasher::for_digest(&layer.digest, &what)?;
    let diff_what = format!("layer {} diff id", layer.digest);
    let diff_hasher = Hasher::for_digest(&layer.diff_id, &diff_what)?;
    let read_error = |source| ImageError::Read {
        what: what.clone(),
        source,
    };

    let sized = SizeChecked::new(blob, layer.size);
    let raw = Hashing::new(Progress::new(sized, progress), blob_hasher);
    let compressed = raw.counter();
    let decoder = Decoder::sniff(BufReader::with_capacity(64 * 1024, raw)).map_err(read_error)?;
    let (tar_stream, bounds) = Bounded::new(Hashing::new(decoder, diff_hasher), limits, compressed);

    let explain = |err: std::io::Error| match bounds.overrun() {
        Some(Overrun::Bomb {
            expanded,
            compressed,
        }) => ImageError::Format {
            what: what.clone(),
            message: format!(
                "decompression bomb: {expanded} bytes expanded from {compressed} \
                 (more than {}x, past {} bytes); layer refused",
                limits.bomb_ratio, limits.bomb_floor
            ),
        },
        Some(Overrun::Headers { budget }) => ImageError::Format {
            what: what.clone(),
            message: decompress::headers_over(budget),
        },
        Some(Overrun::Trailing { limit }) => ImageError::Format {
            what: what.clone(),
            message: format!("more than {limit} bytes follow the tar's end marker; layer refused"),
        },
        None => read_error(err),
    };

    let mut archive = tar::Archive::new(tar_stream);
    let index =
        extract::entries(&mut archive, interest, &bounds, dest).map_err(|err| match err {
            extract::Failure::Stream(err) => explain(err),
            extract::Failure::Image(err) => err,
            extract::Failure::Refused(message) => ImageError::Format {
                what: what.clone(),
                message,
            },
        })?;

    // The diff id covers everything after the archive's end blocks too (bounded, still checked
    // as a bomb), and the blob digest whatever follows the compressed stream.
    bounds.allow_trailing();
    let mut tar_stream = archive.into_inner();
    io::copy(&mut tar_stream, &mut io::sink()).map_err(explain)?;
    let (decoder, diff_id) = tar_stream.into_inner().drain().map_err(explain)?;
    let (_, blob_digest) = decoder
        .into_blob()
        .into_inner()
        .drain()
        .map_err(read_error)?;
    verify::check(&what, &layer.digest, blob_digest)?;
    verify::check(&diff_what, &layer.diff_id, diff_id)?;
    index.store(dest)?;
    Ok(index)
}
