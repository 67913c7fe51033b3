//! A layer blob's compression, told by its first bytes (media types lie: docker save writes
//! uncompressed tars under gzip names), and the limits on what it may expand to.

use flate2::bufread::MultiGzDecoder;
use std::cell::Cell;
use std::io::{self, BufRead, Chain, Cursor, Read, Seek, SeekFrom};
use std::rc::Rc;

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

/// The blob's bytes with the sniffed magic put back in front.
pub(crate) type Sniffed<R> = Chain<Cursor<Vec<u8>>, R>;

pub(crate) enum Decoder<R: BufRead> {
    Gzip(Box<MultiGzDecoder<Sniffed<R>>>),
    Zstd(zstd::stream::read::Decoder<'static, Sniffed<R>>),
    Plain(Sniffed<R>),
}

impl<R: BufRead> Decoder<R> {
    /// Picks the decoder from the first bytes of `blob`.
    pub(crate) fn sniff(mut blob: R) -> io::Result<Decoder<R>> {
        let mut magic = Vec::with_capacity(ZSTD_MAGIC.len());
        (&mut blob)
            .take(ZSTD_MAGIC.len() as u64)
            .read_to_end(&mut magic)?;
        let stream = Cursor::new(magic).chain(blob);
        let magic = stream.get_ref().0.get_ref();
        Ok(if magic.starts_with(GZIP_MAGIC) {
            Decoder::Gzip(Box::new(MultiGzDecoder::new(stream)))
        } else if magic.starts_with(ZSTD_MAGIC) {
            Decoder::Zstd(zstd::stream::read::Decoder::with_buffer(stream)?)
        } else {
            Decoder::Plain(stream)
        })
    }

    /// The blob reader, to read what the decoder left of it.
    pub(crate) fn into_blob(self) -> R {
        match self {
            Decoder::Gzip(d) => d.into_inner().into_inner().1,
            Decoder::Zstd(d) => d.finish().into_inner().1,
            Decoder::Plain(d) => d.into_inner().1,
        }
    }
}

impl<R: BufRead> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Decoder::Gzip(d) => d.read(buf),
            Decoder::Zstd(d) => d.read(buf),
            Decoder::Plain(d) => d.read(buf),
        }
    }
}

/// How far a layer may expand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A layer is a decompression bomb once its tar is over `bomb_floor` bytes AND over
    /// `bomb_ratio` times the compressed bytes read so far. Real layers compress 2-10x; a
    /// filesystem image full of zeros may reach a few hundred, a crafted bomb reaches 1000x
    /// (deflate's limit) and far more with zstd.
    pub bomb_ratio: u64,
    pub bomb_floor: u64,
    /// The most tar metadata (long names, PAX records, sparse maps) allowed between two entries:
    /// the tar reader holds it in memory.
    pub header_budget: u64,
    /// The most bytes allowed after the tar's end marker (tools pad to a 10 KiB record): past
    /// it the layer is refused, as the bytes would only be hashed, never read as entries.
    pub trailing: u64,
    /// The most memory one layer's index may take, counted as the bytes of its entry names and
    /// link targets (each at most 4096: longer ones are skipped) plus [`ENTRY_COST`] per entry; past it the layer is refused. Real layers
    /// take a few MiB (100,000 files of 60-byte names).
    pub index_budget: u64,
}

/// What one index entry costs beside its names: map node, entry, allocation headers.
pub const ENTRY_COST: u64 = 64;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            bomb_ratio: 200,
            bomb_floor: 1 << 30,
            header_budget: 8 << 20,
            trailing: 1 << 20,
            index_budget: 256 << 20,
        }
    }
}

/// Why [`Bounded`] stopped a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Overrun {
    Bomb { expanded: u64, compressed: u64 },
    Headers { budget: u64 },
    Trailing { limit: u64 },
}

/// Why the tar metadata bound stopped a reader.
pub(crate) fn headers_over(budget: u64) -> String {
    format!("tar metadata between two entries is over {budget} bytes")
}

/// The uncompressed tar stream, stopped when it expands like a bomb, when tar metadata runs
/// past the position [`Bounds::allow_until`] set, or when too much follows the tar's end.
pub(crate) struct Bounded<R> {
    inner: R,
    bounds: Bounds,
}

/// What the extraction loop holds to steer a [`Bounded`] it gave away to the tar reader.
#[derive(Clone)]
pub(crate) struct Bounds {
    limits: Limits,
    compressed: Rc<Cell<u64>>,
    pos: Rc<Cell<u64>>,
    allowed_end: Rc<Cell<u64>>,
    trailing: Rc<Cell<bool>>,
    overrun: Rc<Cell<Option<Overrun>>>,
}

impl Bounds {
    /// Lets the tar reader read up to `end` plus the header budget.
    pub(crate) fn allow_until(&self, end: u64) {
        self.allowed_end
            .set(end.saturating_add(self.limits.header_budget));
    }

    /// The tar has ended: what is left may be at most [`Limits::trailing`] bytes.
    pub(crate) fn allow_trailing(&self) {
        self.trailing.set(true);
        self.allowed_end
            .set(self.pos.get().saturating_add(self.limits.trailing));
    }

    pub(crate) fn limits(&self) -> Limits {
        self.limits
    }

    /// Whether `expanded` bytes from the compressed bytes read so far are a bomb.
    pub(crate) fn is_bomb(&self, expanded: u64) -> Option<Overrun> {
        let compressed = self.compressed.get().max(1);
        (expanded > self.limits.bomb_floor && expanded / compressed >= self.limits.bomb_ratio)
            .then_some(Overrun::Bomb {
                expanded,
                compressed,
            })
    }

    /// Why the stream was stopped, if it was.
    pub(crate) fn overrun(&self) -> Option<Overrun> {
        self.overrun.get()
    }
}

impl<R: Read> Bounded<R> {
    pub(crate) fn new(inner: R, limits: Limits, compressed: Rc<Cell<u64>>) -> (Bounded<R>, Bounds) {
        let bounds = Bounds {
            limits,
            compressed,
            pos: Rc::default(),
            allowed_end: Rc::new(Cell::new(limits.header_budget)),
            trailing: Rc::default(),
            overrun: Rc::default(),
        };
        let bounded = Bounded {
            inner,
            bounds: bounds.clone(),
        };
        (bounded, bounds)
    }

    pub(crate) fn into_inner(self) -> R {
        self.inner
    }

    fn stop(&self, overrun: Overrun) -> io::Error {
        self.bounds.overrun.set(Some(overrun));
        io::Error::other("layer stream stopped")
    }
}

/// A seek (the tar reader skipping entry data in a file) moves the position the bounds are
/// measured from.
impl<R: Read + Seek> Seek for Bounded<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let pos = self.inner.seek(to)?;
        self.bounds.pos.set(pos);
        Ok(pos)
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let bounds = &self.bounds;
        let pos = bounds.pos.get();
        let room = bounds.allowed_end.get().saturating_sub(pos);
        if room == 0 && !buf.is_empty() {
            // One byte more tells a stream that ends exactly at the bound from one that goes on.
            if bounds.trailing.get() && self.inner.read(&mut [0])? == 0 {
                return Ok(0);
            }
            return Err(self.stop(if bounds.trailing.get() {
                Overrun::Trailing {
                    limit: bounds.limits.trailing,
                }
            } else {
                Overrun::Headers {
                    budget: bounds.limits.header_budget,
                }
            }));
        }
        let take = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..take])?;
        let pos = pos + n as u64;
        self.bounds.pos.set(pos);
        if let Some(bomb) = self.bounds.is_bomb(pos) {
            return Err(self.stop(bomb));
        }
        Ok(n)
    }
}
