//! `Packages.db`, rpm's own "ndb" package store (SUSE since 15 SP3 / openSUSE).
//!
//! All numbers are little-endian. A 32-byte header (`RpmP`, version 0, generation, number of
//! slot pages, next package index) shares the first of the 4096-byte slot pages with the
//! slots: 16 bytes each, `Slot`, package index, block offset and block count (blocks are 16
//! bytes; offset 0 marks a free slot). A blob starts with `BlbS`, its package index,
//! generation and length, and its last 12 bytes are the Adler-32 of everything before them,
//! the length again and `BlbE`.

use super::Record;
use std::borrow::Cow;
use std::collections::HashMap;

const MAGIC: &[u8; 4] = b"RpmP";
const SLOT_MAGIC: &[u8; 4] = b"Slot";
const BLOB_HEAD_MAGIC: &[u8; 4] = b"BlbS";
const BLOB_TAIL_MAGIC: &[u8; 4] = b"BlbE";

const HEADER_SIZE: usize = 32;
const PAGE_SIZE: usize = 4096;
const SLOT_SIZE: usize = 16;
const BLOCK_SIZE: usize = 16;
const BLOB_HEAD: usize = 16;
const BLOB_TAIL: usize = 12;

pub(super) fn records(bytes: &[u8]) -> Result<Vec<Record<'_>>, String> {
    if bytes.get(..4) != Some(MAGIC) {
        return Err("not an rpm ndb package database".into());
    }
    let field = |at| le32(bytes, at).ok_or("header is truncated");
    let version = field(4)?;
    if version != 0 {
        return Err(format!("unsupported ndb version {version}"));
    }
    let slot_pages = field(12)? as usize;
    let slots_end = slot_pages
        .checked_mul(PAGE_SIZE)
        .filter(|&end| end <= bytes.len() && slot_pages > 0)
        .ok_or_else(|| {
            format!(
                "{slot_pages} slot pages claimed, the file has {} bytes",
                bytes.len()
            )
        })?;
    let mut records = Vec::new();
    let mut used = Vec::new();
    for (i, slot) in bytes[HEADER_SIZE..slots_end]
        .chunks_exact(SLOT_SIZE)
        .enumerate()
    {
        let number = i + HEADER_SIZE / SLOT_SIZE;
        if &slot[..4] != SLOT_MAGIC {
            records.push(Record {
                id: format!("slot {number}"),
                blob: Err("slot is corrupt (no slot magic)".into()),
            });
            continue;
        }
        let [index, offset, count] = [4, 8, 12].map(|at| le32(slot, at).unwrap_or(0));
        // Offset 0 marks a free slot.
        if offset != 0 {
            used.push(Slot {
                number,
                index,
                offset,
                count,
            });
        }
    }
    check_slots(&mut used)?;
    records.extend(used.iter().map(|slot| Record {
        id: slot.index.to_string(),
        blob: blob(bytes, slots_end, slot.index, slot.offset, slot.count),
    }));
    Ok(records)
}

/// A used slot: its number in the slot pages and the package blob it points to.
struct Slot {
    number: usize,
    index: u32,
    offset: u32,
    count: u32,
}

/// Sorts the slots by block offset and refuses the database, as rpm does, when two blobs
/// overlap or one package index has two slots: every slot would otherwise re-read (and
/// re-checksum) the same blob.
fn check_slots(slots: &mut [Slot]) -> Result<(), String> {
    slots.sort_unstable_by_key(|slot| (slot.offset, slot.number));
    for pair in slots.windows(2) {
        let (first, next) = (&pair[0], &pair[1]);
        if u64::from(first.offset) + u64::from(first.count) > u64::from(next.offset) {
            return Err(format!(
                "slots {} and {} point to overlapping blobs (at blocks {} and {})",
                first.number, next.number, first.offset, next.offset
            ));
        }
    }
    let mut owners = HashMap::with_capacity(slots.len());
    for slot in slots.iter() {
        if let Some(other) = owners.insert(slot.index, slot.number) {
            let (a, b) = (other.min(slot.number), other.max(slot.number));
            return Err(format!(
                "package index {} has two slots ({a} and {b})",
                slot.index
            ));
        }
    }
    Ok(())
}

fn blob<'a>(
    bytes: &'a [u8],
    slots_end: usize,
    index: u32,
    offset: u32,
    count: u32,
) -> Result<Cow<'a, [u8]>, String> {
    let start = offset as usize * BLOCK_SIZE;
    if start < slots_end {
        return Err(format!("blob at block {offset} lies in the slot pages"));
    }
    let end = (count as usize)
        .checked_mul(BLOCK_SIZE)
        .and_then(|size| size.checked_add(start));
    let stored = end.and_then(|end| bytes.get(start..end)).ok_or_else(|| {
        format!(
            "blob of {count} blocks at block {offset} runs past the end of the file ({} bytes)",
            bytes.len()
        )
    })?;
    if stored.len() < BLOB_HEAD + BLOB_TAIL || &stored[..4] != BLOB_HEAD_MAGIC {
        return Err(format!("no blob at block {offset}"));
    }
    if le32(stored, 4) != Some(index) {
        return Err(format!("blob at block {offset} belongs to another package"));
    }
    let length = le32(stored, 12).unwrap_or(0) as usize;
    if (BLOB_HEAD + length + BLOB_TAIL).div_ceil(BLOCK_SIZE) != count as usize {
        return Err(format!(
            "blob length {length} does not fill its {count} blocks"
        ));
    }
    let (body, tail) = stored.split_at(stored.len() - BLOB_TAIL);
    if &tail[8..] != BLOB_TAIL_MAGIC || le32(tail, 4) != Some(length as u32) {
        return Err(format!("blob at block {offset} has a corrupt trailer"));
    }
    if le32(tail, 0) != Some(adler32(body)) {
        return Err(format!("blob at block {offset} fails its checksum"));
    }
    Ok(Cow::Borrowed(&body[BLOB_HEAD..BLOB_HEAD + length]))
}

/// Adler-32 (RFC 1950).
fn adler32(bytes: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    // The largest run whose sums cannot overflow a u32 before reducing (RFC 1950's NMAX).
    const RUN: usize = 5552;
    let (mut a, mut b) = (1u32, 0u32);
    for run in bytes.chunks(RUN) {
        for &byte in run {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

fn le32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// Writes an ndb package database holding `blobs` (package indexes from 1), one slot page.
#[cfg(test)]
pub(crate) fn build(blobs: &[&[u8]]) -> Vec<u8> {
    let mut file = vec![0; PAGE_SIZE];
    let header: [&[u8]; 5] = [MAGIC, &[0; 4], &[0; 4], &1u32.to_le_bytes(), &[0; 4]];
    file[..20].copy_from_slice(&header.concat());
    for (i, blob) in blobs.iter().enumerate() {
        let index = i as u32 + 1;
        let offset = (file.len() / BLOCK_SIZE) as u32;
        let count = (BLOB_HEAD + blob.len() + BLOB_TAIL).div_ceil(BLOCK_SIZE);
        let mut stored = [&BLOB_HEAD_MAGIC[..], &index.to_le_bytes(), &[0; 4]].concat();
        stored.extend_from_slice(&(blob.len() as u32).to_le_bytes());
        stored.extend_from_slice(blob);
        stored.resize(count * BLOCK_SIZE - BLOB_TAIL, 0);
        stored.extend_from_slice(&adler32(&stored).to_le_bytes());
        stored.extend_from_slice(&(blob.len() as u32).to_le_bytes());
        stored.extend_from_slice(BLOB_TAIL_MAGIC);
        file.extend(stored);
        let slot = [&SLOT_MAGIC[..], &index.to_le_bytes(), &offset.to_le_bytes()].concat();
        let at = HEADER_SIZE + i * SLOT_SIZE;
        file[at..at + 12].copy_from_slice(&slot);
        file[at + 12..at + 16].copy_from_slice(&(count as u32).to_le_bytes());
    }
    // The remaining slots are free.
    for at in (HEADER_SIZE + blobs.len() * SLOT_SIZE..PAGE_SIZE).step_by(SLOT_SIZE) {
        file[at..at + 4].copy_from_slice(SLOT_MAGIC);
    }
    file
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob_of(records: &[Record<'_>]) -> Vec<Result<Vec<u8>, String>> {
        records
            .iter()
            .map(|r| r.blob.clone().map(Cow::into_owned))
            .collect()
    }

    #[test]
    fn adler32_matches_rfc_1950() {
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(&[0xff; 20000]), 0x9F51_D664);
    }

    #[test]
    fn reads_the_blobs_it_was_given() {
        let file = build(&[b"first", b"second blob"]);
        let records = records(&file).unwrap();
        let ids: Vec<_> = records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["1", "2"]);
        assert_eq!(
            blob_of(&records),
            [Ok(b"first".to_vec()), Ok(b"second blob".to_vec())]
        );
    }

    #[test]
    fn a_slot_pointing_past_the_end_costs_that_package_only() {
        let mut file = build(&[b"first", b"second"]);
        file[HEADER_SIZE + SLOT_SIZE + 8..][..4].copy_from_slice(&0x0fff_ffffu32.to_le_bytes());
        let records = records(&file).unwrap();
        assert_eq!(
            blob_of(&records),
            [
                Ok(b"first".to_vec()),
                Err(
                    "blob of 3 blocks at block 268435455 runs past the end of the file \
                     (4192 bytes)"
                        .into()
                )
            ]
        );
    }

    /// Copies slot `from`'s 16 bytes (slots count from 0 here) over slot `to`.
    fn copy_slot(file: &mut [u8], from: usize, to: usize) {
        let at = |slot: usize| HEADER_SIZE + slot * SLOT_SIZE;
        file.copy_within(at(from)..at(from) + SLOT_SIZE, at(to));
    }

    #[test]
    fn slots_sharing_a_blob_refuse_the_database() {
        let mut file = build(&[b"first", b"second"]);
        copy_slot(&mut file, 0, 1);
        assert_eq!(
            records(&file).unwrap_err(),
            "slots 2 and 3 point to overlapping blobs (at blocks 256 and 256)"
        );

        let mut file = build(&[b"first", b"second"]);
        file[HEADER_SIZE + 12..][..4].copy_from_slice(&4u32.to_le_bytes()); // first: 4 blocks
        assert_eq!(
            records(&file).unwrap_err(),
            "slots 2 and 3 point to overlapping blobs (at blocks 256 and 259)"
        );

        let mut file = build(&[b"first", b"second"]);
        file[HEADER_SIZE + SLOT_SIZE + 4..][..4].copy_from_slice(&1u32.to_le_bytes());
        assert_eq!(
            records(&file).unwrap_err(),
            "package index 1 has two slots (2 and 3)"
        );
    }

    #[test]
    fn a_page_of_slots_on_one_big_blob_is_refused_without_reading_it() {
        let big = vec![7; 8 << 20];
        let mut file = build(&[&big]);
        for slot in 1..PAGE_SIZE / SLOT_SIZE - HEADER_SIZE / SLOT_SIZE {
            copy_slot(&mut file, 0, slot);
        }
        assert_eq!(
            records(&file).unwrap_err(),
            "slots 2 and 3 point to overlapping blobs (at blocks 256 and 256)"
        );
    }

    #[test]
    fn corrupt_slots_and_blobs_are_reported() {
        let good = build(&[b"first"]);
        let blob_at = PAGE_SIZE;
        let cases: [(usize, &[u8], &str); 5] = [
            (HEADER_SIZE, b"Xlot", "slot is corrupt (no slot magic)"),
            (
                HEADER_SIZE + 8,
                &[1, 0, 0, 0],
                "blob at block 1 lies in the slot pages",
            ),
            (
                blob_at + 4,
                &[9, 0, 0, 0],
                "blob at block 256 belongs to another package",
            ),
            (
                blob_at + 12,
                &[40, 0, 0, 0],
                "blob length 40 does not fill its 3 blocks",
            ),
            (blob_at + 16, b"F", "blob at block 256 fails its checksum"),
        ];
        for (at, bytes, message) in cases {
            let mut file = good.clone();
            file[at..at + bytes.len()].copy_from_slice(bytes);
            let records = records(&file).unwrap();
            assert_eq!(blob_of(&records), [Err(message.to_string())], "{message}");
        }
        assert_eq!(
            records(&good[..100]).unwrap_err(),
            "1 slot pages claimed, the file has 100 bytes"
        );
        assert_eq!(
            records(b"RpmQ").unwrap_err(),
            "not an rpm ndb package database"
        );
    }
}
