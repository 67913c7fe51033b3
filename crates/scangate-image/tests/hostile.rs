//! Hostile layers: each is refused with a clear error or its bad entries skipped with an
//! issue, and nothing is ever written outside the layer's directory.

mod support;

use flate2::Compression;
use flate2::write::GzEncoder;
use scangate_fsview::{FileView, Select, ViewError};
use scangate_image::{ImageError, ImageView, Limits};
use scangate_types::LayerRef;
use std::io::{Read, Write};
use std::path::Path;
use support::{Compress, Tar, compress, extract, interest, layer_of, listing};
use tar::EntryType;

fn everything(_: &str) -> bool {
    true
}

/// Extracts under `root/layer`, asserting nothing lands anywhere else in `root`.
fn extract_in(
    root: &Path,
    blob: &[u8],
    layer: &scangate_image::Layer,
    limits: Limits,
) -> Result<scangate_image::LayerIndex, ImageError> {
    let dest = root.join("layer");
    let (result, _) = extract(blob, layer, &interest(&everything), limits, &dest);
    let outside: Vec<String> = listing(root)
        .into_iter()
        .filter(|path| !path.starts_with("layer/"))
        .collect();
    assert!(outside.is_empty(), "{outside:?}");
    result
}

#[test]
fn hostile_entries_are_skipped_and_links_resolve_inside_the_image() {
    let tar = Tar::new()
        .file("../../etc/passwd", b"root::0:0")
        .file("/abs/path", b"absolute")
        .file("host/file", b"inside the image")
        .symlink("etc/os-release", "../../../../host/file")
        .symlink("etc/shadow-link", "/etc/shadow")
        .symlink("etc/loop", "loop")
        .hardlink("etc/hl-out", "../../outside")
        .hardlink("etc/hl-missing", "nonexistent/file")
        .entry("dev/null", EntryType::Char, "", b"", 0o666)
        .entry("dev/fifo", EntryType::Fifo, "", b"", 0o666)
        .file("etc/.wh.", b"")
        .finish();
    let blob = compress(&tar, Compress::Gzip);
    let layer = layer_of(&tar, &blob);
    let root = tempfile::tempdir().unwrap();
    let index = extract_in(root.path(), &blob, &layer, Limits::default()).unwrap();
    assert_eq!(
        listing(&root.path().join("layer")),
        ["files/0", "files/1", "index.json"]
    );

    let layer_ref = LayerRef {
        index: 0,
        diff_id: layer.diff_id.clone(),
        created_by: None,
    };
    let view = ImageView::new(vec![(layer_ref, root.path().join("layer"), index)], 1 << 20);
    let issues: Vec<String> = view.issues().iter().map(ToString::to_string).collect();
    assert_eq!(
        issues,
        [
            "../../etc/passwd: layer 0: entry path climbs out of the image root; skipped",
            "etc/.wh.: layer 0: whiteout names no file; skipped",
            "etc/hl-out: layer 0: hard link target \"../../outside\" is outside the image root; skipped",
        ]
    );
    let walk = view.walk(&Select {
        path: &everything,
        executables: false,
    });
    assert_eq!(walk.files, ["abs/path", "host/file"]);
    let walk_issues: Vec<String> = walk.issues.iter().map(ToString::to_string).collect();
    assert_eq!(
        walk_issues,
        [
            "etc/hl-missing: broken or looping symbolic link; not read",
            "etc/loop: broken or looping symbolic link; not read",
            "etc/shadow-link: broken or looping symbolic link; not read",
        ]
    );
    assert_eq!(view.read("etc/os-release").unwrap(), b"inside the image");
    assert_eq!(view.read("abs/path").unwrap(), b"absolute");
    assert!(matches!(
        view.read("etc/shadow-link"),
        Err(ViewError::NotFound)
    ));
    assert!(matches!(
        view.read("etc/hl-missing"),
        Err(ViewError::NotFound)
    ));
    assert!(matches!(view.read("etc/passwd"), Err(ViewError::NotFound)));
    assert!(matches!(
        view.read("../../etc/passwd"),
        Err(ViewError::NotFound)
    ));
    assert!(matches!(view.read("dev/null"), Err(ViewError::NotRegular)));
    assert_eq!(
        view.read("etc/loop").unwrap_err().to_string(),
        "cannot read: too many levels of symbolic links"
    );
}

#[test]
fn a_sparse_file_of_ten_gigabytes_is_never_expanded() {
    const TEN_GB: u64 = 10 << 30;
    let tar = Tar::new()
        .sparse("var/lib/huge.img", TEN_GB, 0o644)
        .sparse("usr/bin/huge", TEN_GB, 0o755)
        .file("after", b"still read")
        .finish();
    let blob = compress(&tar, Compress::Gzip);
    let layer = layer_of(&tar, &blob);
    let root = tempfile::tempdir().unwrap();
    let index = extract_in(root.path(), &blob, &layer, Limits::default()).unwrap();
    assert_eq!(
        listing(&root.path().join("layer")),
        ["files/0", "index.json"]
    );
    let view = ImageView::new(
        vec![(
            LayerRef {
                index: 0,
                diff_id: layer.diff_id.clone(),
                created_by: None,
            },
            root.path().join("layer"),
            index,
        )],
        1 << 20,
    );
    let issues: Vec<String> = view.issues().iter().map(ToString::to_string).collect();
    assert_eq!(
        issues,
        [
            "usr/bin/huge: file is 10240.0 MiB, over the 1.0 MiB limit (raise it with --max-file-size)",
            "var/lib/huge.img: file is 10240.0 MiB, over the 1.0 MiB limit (raise it with --max-file-size)",
        ]
    );
    assert_eq!(view.read("after").unwrap(), b"still read");
    assert!(matches!(
        view.read("var/lib/huge.img"),
        Err(ViewError::TooLarge {
            size: TEN_GB,
            limit: 1_048_576
        })
    ));
}

#[test]
fn a_gzip_bomb_is_refused() {
    // 16 MiB of zeros in one entry: gzip members of 1 MiB each, concatenated (about 1 KiB each).
    let header = Tar::new().file("zeros", b"").finish();
    let mut tar_header = header[..512].to_vec();
    let mut fake = tar::Header::from_byte_slice(&tar_header).clone();
    fake.set_size(16 << 20);
    fake.set_cksum();
    tar_header.copy_from_slice(fake.as_bytes());
    let member = |bytes: &[u8]| {
        let mut gz = GzEncoder::new(Vec::new(), Compression::best());
        gz.write_all(bytes).unwrap();
        gz.finish().unwrap()
    };
    let zeros = member(&vec![0; 1 << 20]);
    let mut blob = member(&tar_header);
    for _ in 0..16 {
        blob.extend_from_slice(&zeros);
    }
    assert!(blob.len() < 200 * 1024, "{}", blob.len());
    let layer = layer_of(b"not checked: refused first", &blob);
    let root = tempfile::tempdir().unwrap();
    let limits = Limits {
        bomb_floor: 8 << 20,
        ..Limits::default()
    };
    let err = extract_in(root.path(), &blob, &layer, limits).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, ImageError::Format { .. }), "{err:?}");
    let expected_start = format!("layer {}: decompression bomb: ", layer.digest);
    assert!(message.starts_with(&expected_start), "{message}");
    assert!(
        message.ends_with("(more than 200x, past 8388608 bytes); layer refused"),
        "{message}"
    );
}

#[test]
fn a_truncated_layer_names_its_digest() {
    let tar = Tar::new().file("etc/os-release", &[b'x'; 100_000]).finish();
    let full = compress(&tar, Compress::Gzip);
    let half = &full[..full.len() / 2];
    let mut layer = layer_of(&tar, &full);
    let root = tempfile::tempdir().unwrap();
    let err = extract_in(root.path(), half, &layer, Limits::default()).unwrap_err();
    assert!(matches!(err, ImageError::Read { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "layer {}: blob ends after {} bytes, its manifest gives {}",
            layer.digest,
            half.len(),
            full.len()
        )
    );
    // Without a size (docker save), the decompressor finds the end missing.
    layer.size = None;
    let root = tempfile::tempdir().unwrap();
    let err = extract_in(root.path(), half, &layer, Limits::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("layer {}: incomplete deflate stream", layer.digest)
    );
}

#[test]
fn digests_that_do_not_match_refuse_the_layer() {
    let tar = Tar::new().file("etc/os-release", b"ID=test\n").finish();
    let blob = compress(&tar, Compress::Zstd);
    let root = tempfile::tempdir().unwrap();

    let mut wrong_diff = layer_of(&tar, &blob);
    wrong_diff.diff_id = support::sha256(b"another tar");
    let err = extract_in(root.path(), &blob, &wrong_diff, Limits::default()).unwrap_err();
    let ImageError::DigestMismatch {
        what,
        expected,
        actual,
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(what, format!("layer {} diff id", wrong_diff.digest));
    assert_eq!(expected, support::sha256(b"another tar"));
    assert_eq!(actual, support::sha256(&tar));

    let mut wrong_blob = layer_of(&tar, &blob);
    wrong_blob.digest = support::sha256(b"another blob");
    let root = tempfile::tempdir().unwrap();
    let err = extract_in(root.path(), &blob, &wrong_blob, Limits::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "layer {}: digest mismatch: expected {}, got {}",
            wrong_blob.digest,
            wrong_blob.digest,
            support::sha256(&blob)
        )
    );
}

#[test]
fn long_tar_metadata_is_bounded() {
    // A GNU long name of 64 KiB, over a 16 KiB budget.
    let mut builder = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(1);
    header.set_mode(0o644);
    let long = "a/".repeat(32 * 1024) + "x";
    builder.append_data(&mut header, &long, &b"x"[..]).unwrap();
    let tar = builder.into_inner().unwrap();
    let blob = compress(&tar, Compress::None);
    let layer = layer_of(&tar, &blob);
    let root = tempfile::tempdir().unwrap();
    let limits = Limits {
        header_budget: 16 << 10,
        ..Limits::default()
    };
    let err = extract_in(root.path(), &blob, &layer, limits).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "layer {}: tar metadata between two entries is over 16384 bytes",
            layer.digest
        )
    );
    // Within the default budget the same layer reads, the name over PATH_MAX skipped.
    let root = tempfile::tempdir().unwrap();
    let index = extract_in(root.path(), &blob, &layer, Limits::default()).unwrap();
    assert!(index.entries.is_empty());
    let issues: Vec<String> = index.issues.iter().map(ToString::to_string).collect();
    assert_eq!(
        issues,
        [format!(
            "{}...: entry name of 65537 bytes, over 4096; skipped",
            &long[..100]
        )]
    );
}

#[test]
fn a_base256_size_near_the_top_of_u64_is_an_error_not_an_overflow() {
    // The data's end (position + size) is past u64::MAX.
    let mut tar = Tar::new().file("huge", b"").finish();
    let mut header = tar::Header::from_byte_slice(&tar[..512]).clone();
    let size = &mut header.as_old_mut().size;
    size[0] = 0x80;
    size[4..].copy_from_slice(&(u64::MAX - 600).to_be_bytes());
    header.set_cksum();
    tar[..512].copy_from_slice(header.as_bytes());
    let blob = compress(&tar, Compress::None);
    let layer = layer_of(&tar, &blob);
    let root = tempfile::tempdir().unwrap();
    let err = extract_in(root.path(), &blob, &layer, Limits::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("layer {}: size overflow", layer.digest)
    );
}

#[test]
fn data_after_the_tar_end_is_bounded() {
    // A small tar followed by 4 MiB of zeros: the diff id covers them, so the layer verifies,
    // but gigabytes of such a tail would only be hashed.
    let mut tar = Tar::new().file("etc/os-release", b"ID=test\n").finish();
    tar.resize(tar.len() + (4 << 20), 0);
    for how in [Compress::Gzip, Compress::Zstd] {
        let blob = compress(&tar, how);
        let layer = layer_of(&tar, &blob);
        let root = tempfile::tempdir().unwrap();
        let err = extract_in(root.path(), &blob, &layer, Limits::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "layer {}: more than 1048576 bytes follow the tar's end marker; layer refused",
                layer.digest
            )
        );
    }
    // Up to the limit the tail is read and hashed.
    let limits = Limits {
        trailing: 5 << 20,
        ..Limits::default()
    };
    let blob = compress(&tar, Compress::Gzip);
    let layer = layer_of(&tar, &blob);
    let root = tempfile::tempdir().unwrap();
    let index = extract_in(root.path(), &blob, &layer, limits).unwrap();
    assert_eq!(index.entries.len(), 1);
}

#[test]
fn a_blob_longer_or_shorter_than_its_manifest_size_is_refused() {
    let tar = Tar::new().file("etc/os-release", b"ID=test\n").finish();
    let blob = compress(&tar, Compress::Gzip);
    let root = tempfile::tempdir().unwrap();

    // Endless zeros (a blob linked to /dev/zero): one byte past the size stops it.
    let mut layer = layer_of(&tar, &blob);
    layer.size = Some(blob.len() as u64);
    let mut endless = blob.as_slice().chain(std::io::repeat(0));
    let dest = tempfile::tempdir().unwrap();
    let err = scangate_image::extract_layer_with(
        &mut endless,
        &layer,
        &interest(&everything),
        Limits::default(),
        dest.path(),
        &mut |_| {},
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "layer {}: blob is larger than the {} bytes its manifest gives",
            layer.digest,
            blob.len()
        )
    );

    let mut layer = layer_of(&tar, &blob);
    layer.size = Some(blob.len() as u64 + 10);
    let err = extract_in(root.path(), &blob, &layer, Limits::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "layer {}: blob ends after {} bytes, its manifest gives {}",
            layer.digest,
            blob.len(),
            blob.len() + 10
        )
    );
}

/// A PAX-format tar: names and link targets of any length.
fn pax_tar(entries: &[(&str, EntryType, &str)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, kind, link) in entries {
        let mut header = tar::Header::new_ustar();
        header.set_entry_type(*kind);
        header.set_mode(0o644);
        header.set_size(0);
        if link.is_empty() {
            builder.append_data(&mut header, name, &b""[..]).unwrap();
        } else {
            builder.append_link(&mut header, name, link).unwrap();
        }
    }
    builder.into_inner().unwrap()
}

#[test]
fn names_and_link_targets_over_path_max_are_skipped() {
    let long_name = "n".repeat(100_000);
    let long_target = "status/".repeat(700);
    let tar = pax_tar(&[
        ("var/lib/dpkg/status", EntryType::Symlink, &long_target),
        ("etc/hard", EntryType::Link, &long_target),
        (&long_name, EntryType::Regular, ""),
        ("etc/ok", EntryType::Symlink, &"a/".repeat(2048)),
        ("etc/os-release", EntryType::Regular, ""),
    ]);
    let blob = compress(&tar, Compress::Gzip);
    let layer = layer_of(&tar, &blob);
    let root = tempfile::tempdir().unwrap();
    let index = extract_in(root.path(), &blob, &layer, Limits::default()).unwrap();
    assert_eq!(
        index.entries.keys().collect::<Vec<_>>(),
        ["etc/ok", "etc/os-release"]
    );
    let issues: Vec<String> = index.issues.iter().map(ToString::to_string).collect();
    assert_eq!(
        issues,
        [
            "var/lib/dpkg/status: link target of 4900 bytes, over 4096; skipped".to_string(),
            "etc/hard: link target of 4900 bytes, over 4096; skipped".to_string(),
            format!(
                "{}...: entry name of 100000 bytes, over 4096; skipped",
                "n".repeat(100)
            ),
        ]
    );
}

#[test]
fn a_layer_whose_index_would_take_too_much_memory_is_refused() {
    let mut tar = Tar::new();
    for i in 0..100 {
        tar = tar.file(&format!("usr/share/x/file{i:04}"), b"");
    }
    let tar = tar.finish();
    let blob = compress(&tar, Compress::Gzip);
    let layer = layer_of(&tar, &blob);
    // Each entry costs its 20-byte name and the fixed cost: 50 fit.
    let limits = Limits {
        index_budget: 50 * (20 + scangate_image::layers::ENTRY_COST),
        ..Limits::default()
    };
    let root = tempfile::tempdir().unwrap();
    let err = extract_in(root.path(), &blob, &layer, limits).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "layer {}: index over 4200 bytes (50 entries); layer refused",
            layer.digest
        )
    );
    let root = tempfile::tempdir().unwrap();
    let index = extract_in(root.path(), &blob, &layer, Limits::default()).unwrap();
    assert_eq!(index.entries.len(), 100);

    // Names over PATH_MAX are skipped, so they count as PATH_MAX only: two 100 kB names fit
    // in a budget for two 4096-byte ones.
    let long = |c: &str| c.repeat(100_000);
    let tar = pax_tar(&[
        (&long("a"), EntryType::Regular, ""),
        (&long("b"), EntryType::Regular, ""),
    ]);
    let blob = compress(&tar, Compress::Gzip);
    let layer = layer_of(&tar, &blob);
    let limits = Limits {
        index_budget: 2 * (4096 + scangate_image::layers::ENTRY_COST),
        ..Limits::default()
    };
    let root = tempfile::tempdir().unwrap();
    let index = extract_in(root.path(), &blob, &layer, limits).unwrap();
    assert_eq!(index.issues.len(), 2);
}

#[test]
fn sparse_holes_are_never_written_out() {
    // 90 MB package.json files of 512 stored bytes each, under a generous file size limit.
    let mut tar = Tar::new();
    for i in 0..5 {
        tar = tar.sparse(&format!("app{i}/package.json"), 90_000_000, 0o644);
    }
    let tar = tar.sparse("small/package.json", 4096, 0o644).finish();
    let blob = compress(&tar, Compress::Gzip);
    let layer = layer_of(&tar, &blob);
    let root = tempfile::tempdir().unwrap();
    let wanted = |_: &str| true;
    let mut interest = interest(&wanted);
    interest.max_file_size = 1 << 30;
    let dest = root.path().join("layer");
    let (index, _) = extract(&blob, &layer, &interest, Limits::default(), &dest);
    let index = index.unwrap();
    let issues: Vec<String> = index.issues.iter().map(ToString::to_string).collect();
    let expected: Vec<String> = (0..5)
        .map(|i| {
            format!(
                "app{i}/package.json: sparse file with 89999488 bytes of holes (over 1048576); not kept"
            )
        })
        .collect();
    assert_eq!(issues, expected);
    // Only the small sparse file (4096 bytes with its holes) was written.
    assert_eq!(listing(&dest), ["files/0", "index.json"]);
    assert_eq!(std::fs::metadata(dest.join("files/0")).unwrap().len(), 4096);
}

#[test]
fn bytes_written_to_kept_files_follow_the_bomb_rule() {
    // 8 sparse files of 1 MiB (512 bytes stored each) under a 4 MiB floor: stopped in the
    // fifth, at the first 64 KiB write past the floor.
    let mut tar = Tar::new();
    for i in 0..8 {
        tar = tar.sparse(&format!("f{i}"), 1 << 20, 0o644);
    }
    let tar = tar.finish();
    let blob = compress(&tar, Compress::Gzip);
    let layer = layer_of(&tar, &blob);
    let limits = Limits {
        bomb_floor: 4 << 20,
        ..Limits::default()
    };
    let root = tempfile::tempdir().unwrap();
    let err = extract_in(root.path(), &blob, &layer, limits).unwrap_err();
    let message = err.to_string();
    let start = format!(
        "layer {}: kept files reach 4259840 bytes from ",
        layer.digest
    );
    assert!(message.starts_with(&start), "{message}");
    assert!(
        message.ends_with(" compressed (more than 200x, past 4194304 bytes); layer refused"),
        "{message}"
    );
}
