//! `Packages`, the Berkeley DB hash database rpm used before 4.16 (RHEL/CentOS 7 and 8, Amazon
//! Linux 2, SUSE before 15 SP3...).
//!
//! Page 0 is the hash metadata page; bucket `b` starts on page `b + spares[bit length of b]`
//! and goes on through `next_pgno`. Hash pages hold key/data items in index pairs; a header is
//! too big for a page, so its data item is usually an off-page reference to a chain of overflow
//! pages. Pages are in the byte order the file was written in (the magic tells which).
//! Every page is visited at most once, so loops and shared chains end with an error and the
//! bytes gathered never exceed the file.

use super::Record;
use std::borrow::Cow;

const HASH_MAGIC: u32 = 0x0006_1561;
const BTREE_MAGIC: u32 = 0x0005_3162;

// Page header: lsn (8), pgno (4), prev (4), next (4), entries (2), hf_offset (2), level, type.
const PAGE_HEADER: usize = 26;
const PGNO: usize = 8;
const NEXT_PGNO: usize = 16;
const ENTRIES: usize = 20;
/// On an overflow page: the number of bytes it holds.
const HF_OFFSET: usize = 22;
const PAGE_TYPE: usize = 25;

const P_HASH_UNSORTED: u8 = 2;
const P_OVERFLOW: u8 = 7;
const P_HASH: u8 = 13;

const H_KEYDATA: u8 = 1;
const H_OFFPAGE: u8 = 3;
/// type, 3 unused bytes, pgno, tlen.
const OFFPAGE_SIZE: usize = 12;

/// Metadata flag: pages carry a checksum, 6 more bytes of page header (`PG_CHKSUM`).
const META_CHECKSUM: u8 = 0x01;
const CHECKSUM_SIZE: usize = 6;

/// The packages' header blobs, by header number.
pub(super) fn records(bytes: &[u8]) -> Result<Vec<Record<'_>>, String> {
    let db = Db::open(bytes)?;
    let mut walk = Walk {
        db: &db,
        visited: vec![false; db.pages],
        records: Vec::new(),
    };
    for bucket in 0..=db.max_bucket {
        if let Err(err) = walk.bucket(bucket) {
            walk.records.push(Record {
                id: format!("bucket {bucket}"),
                blob: Err(err),
            });
        }
    }
    Ok(walk.records)
}

struct Db<'a> {
    bytes: &'a [u8],
    big_endian: bool,
    page_size: usize,
    /// Pages present in the file (up to the last the metadata names).
    pages: usize,
    /// Where the item index starts on a page, after the page header.
    overhead: usize,
    max_bucket: u32,
    spares: [u32; 32],
}

impl<'a> Db<'a> {
    fn open(bytes: &'a [u8]) -> Result<Db<'a>, String> {
        let raw_magic = le32(bytes, 12).ok_or("file too short for a Berkeley DB")?;
        let big_endian = match raw_magic {
            HASH_MAGIC => false,
            m if m.swap_bytes() == HASH_MAGIC => true,
            m if m == BTREE_MAGIC || m.swap_bytes() == BTREE_MAGIC => {
                return Err("a Berkeley DB btree, not the hash database rpm writes".into());
            }
            _ => return Err("not a Berkeley DB hash database".into()),
        };
        let mut db = Db {
            bytes,
            big_endian,
            page_size: 0,
            pages: 0,
            overhead: PAGE_HEADER,
            max_bucket: 0,
            spares: [0; 32],
        };
        let meta = |at| db.u32(at).ok_or("metadata page is truncated");
        let version = meta(16)?;
        if !(8..=10).contains(&version) {
            return Err(format!("unsupported hash version {version}"));
        }
        let page_size = meta(20)? as usize;
        if !page_size.is_power_of_two() || !(512..=65536).contains(&page_size) {
            return Err(format!("invalid page size {page_size}"));
        }
        if bytes.get(24) != Some(&0) {
            return Err("the database is encrypted".into());
        }
        let checksummed = bytes
            .get(26)
            .is_some_and(|flags| flags & META_CHECKSUM != 0);
        let last_pgno = meta(32)? as usize;
        let max_bucket = meta(72)?;
        let mut spares = [0; 32];
        for (i, spare) in spares.iter_mut().enumerate() {
            *spare = meta(96 + 4 * i)?;
        }
        db.page_size = page_size;
        db.pages = (bytes.len() / page_size).min(last_pgno.saturating_add(1));
        db.overhead = PAGE_HEADER + if checksummed { CHECKSUM_SIZE } else { 0 };
        if max_bucket as usize >= db.pages {
            return Err(format!(
                "{max_bucket} buckets claimed, the file has {} pages",
                db.pages
            ));
        }
        db.max_bucket = max_bucket;
        db.spares = spares;
        Ok(db)
    }

    fn u16(&self, at: usize) -> Option<u16> {
        let raw: [u8; 2] = self.bytes.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if self.big_endian {
            u16::from_be_bytes(raw)
        } else {
            u16::from_le_bytes(raw)
        })
    }

    fn u32(&self, at: usize) -> Option<u32> {
        let raw: [u8; 4] = self.bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.big_endian {
            u32::from_be_bytes(raw)
        } else {
            u32::from_le_bytes(raw)
        })
    }

    fn bucket_page(&self, bucket: u32) -> Option<u32> {
        let bits = (u32::BITS - bucket.leading_zeros()) as usize;
        bucket.checked_add(*self.spares.get(bits)?)
    }
}

/// A page of the file; its fields are read through the database's byte order.
struct Page<'d, 'a> {
    db: &'d Db<'a>,
    start: usize,
    bytes: &'a [u8],
}

impl<'a> Page<'_, 'a> {
    fn u16(&self, at: usize) -> Option<u16> {
        self.db.u16(self.start + at)
    }

    fn u32(&self, at: usize) -> Option<u32> {
        self.db.u32(self.start + at)
    }

    fn kind(&self) -> u8 {
        self.bytes[PAGE_TYPE]
    }

    fn next(&self) -> u32 {
        self.u32(NEXT_PGNO).unwrap_or(0)
    }
}

struct Walk<'d, 'a> {
    db: &'d Db<'a>,
    visited: Vec<bool>,
    records: Vec<Record<'a>>,
}

impl<'d, 'a> Walk<'d, 'a> {
    /// The page `pgno`, once: a second visit means a loop or a shared chain.
    fn page(&mut self, pgno: u32) -> Result<Page<'d, 'a>, String> {
        let db = self.db;
        let index = pgno as usize;
        if index == 0 || index >= db.pages {
            return Err(format!(
                "page {pgno} is outside the file ({} pages)",
                db.pages
            ));
        }
        if std::mem::replace(&mut self.visited[index], true) {
            return Err(format!("page {pgno} is reached twice (a loop)"));
        }
        let start = index * db.page_size;
        let page = Page {
            db,
            start,
            bytes: &db.bytes[start..start + db.page_size],
        };
        if page.u32(PGNO) != Some(pgno) {
            return Err(format!("page {pgno} says it is page {:?}", page.u32(PGNO)));
        }
        Ok(page)
    }

    fn bucket(&mut self, bucket: u32) -> Result<(), String> {
        let first = self
            .db
            .bucket_page(bucket)
            .ok_or_else(|| format!("bucket {bucket} has no page"))?;
        let mut pgno = first;
        while pgno != 0 {
            let page = self.page(pgno)?;
            if page.kind() != P_HASH && page.kind() != P_HASH_UNSORTED {
                return Err(format!(
                    "page {pgno} has type {}, not a hash page",
                    page.kind()
                ));
            }
            self.items(&page, pgno)?;
            pgno = page.next();
        }
        Ok(())
    }

    /// The key/data pairs of one hash page.
    fn items(&mut self, page: &Page<'d, 'a>, pgno: u32) -> Result<(), String> {
        let size = self.db.page_size;
        let entries = page.u16(ENTRIES).unwrap_or(0) as usize;
        let index_end = self.db.overhead + 2 * entries;
        if index_end > size {
            return Err(format!("page {pgno} claims {entries} items"));
        }
        let offset = |i: usize| page.u16(self.db.overhead + 2 * i).unwrap_or(0) as usize;
        for pair in 0..entries / 2 {
            let (k, v) = (2 * pair, 2 * pair + 1);
            // Items are packed down from the end of the page in index order.
            let key_end = if k == 0 { size } else { offset(k - 1) };
            let (key_at, value_at) = (offset(k), offset(v));
            if !(index_end <= value_at && value_at < key_at && key_at < key_end && key_end <= size)
            {
                let id = format!("page {pgno} item {pair}");
                self.records.push(Record {
                    id,
                    blob: Err("item offsets out of order or outside the page".into()),
                });
                continue;
            }
            let key = self.item(page, key_at, key_end);
            let number = key.as_ref().ok().filter(|key| key.len() == 4);
            let number = number.map(|key| self.db.u32_of(key));
            // Key 0 is the database's instance counter, not a package.
            if number == Some(0) {
                continue;
            }
            let id = number.map_or_else(|| format!("page {pgno} item {pair}"), |n| n.to_string());
            let blob = key.and_then(|_| self.item(page, value_at, key_at));
            self.records.push(Record { id, blob });
        }
        Ok(())
    }

    /// An item's bytes, on the page or in its overflow chain.
    fn item(
        &mut self,
        page: &Page<'d, 'a>,
        start: usize,
        end: usize,
    ) -> Result<Cow<'a, [u8]>, String> {
        let item = &page.bytes[start..end];
        match item[0] {
            H_KEYDATA => Ok(Cow::Borrowed(&item[1..])),
            H_OFFPAGE if item.len() == OFFPAGE_SIZE => {
                let pgno = page.u32(start + 4).unwrap_or(0);
                let length = page.u32(start + 8).unwrap_or(0) as usize;
                self.overflow(pgno, length).map(Cow::Owned)
            }
            kind => Err(format!(
                "item of type {kind} is not a plain or off-page item"
            )),
        }
    }

    fn overflow(&mut self, mut pgno: u32, length: usize) -> Result<Vec<u8>, String> {
        if length > self.db.bytes.len() {
            return Err(format!(
                "overflow item of {length} bytes is larger than the file"
            ));
        }
        let mut data = Vec::with_capacity(length);
        while data.len() < length {
            if pgno == 0 {
                return Err(format!(
                    "overflow chain ends after {} of {length} bytes",
                    data.len()
                ));
            }
            let page = self.page(pgno)?;
            if page.kind() != P_OVERFLOW {
                return Err(format!(
                    "page {pgno} has type {}, not an overflow page",
                    page.kind()
                ));
            }
            let here = page.u16(HF_OFFSET).unwrap_or(0) as usize;
            let chunk = page
                .bytes
                .get(self.db.overhead..self.db.overhead + here)
                .filter(|chunk| data.len() + chunk.len() <= length)
                .ok_or_else(|| format!("overflow page {pgno} claims {here} bytes"))?;
            data.extend_from_slice(chunk);
            pgno = page.next();
        }
        Ok(data)
    }
}

impl Db<'_> {
    /// A 4-byte key, in the byte order rpm wrote it (the machine's, which is the file's).
    fn u32_of(&self, key: &[u8]) -> u32 {
        let raw: [u8; 4] = key.try_into().unwrap_or_default();
        if self.big_endian {
            u32::from_be_bytes(raw)
        } else {
            u32::from_le_bytes(raw)
        }
    }
}

fn le32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}
