//! Whole-image analysis: layer count bounded, a layer repeated in an image read once, and
//! attribution over many rewriting layers in one pass.

mod support;

use scangate_image::analysis::{MAX_LAYERS, Quiet, analyze};
use scangate_image::{Cache, Image, ImageError, ImageSource, Layer};
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use support::{Compress, Tar, compress, layer_of};

const STATUS: &[u8] = b"Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\n\
Source: zlib\nVersion: 1:1.2.13.dfsg-1\nDescription: x\n\n";
const OS_RELEASE: &[u8] = b"ID=debian\nVERSION_ID=\"12\"\n";

/// One blob, handed out for every layer of the image, counting how often it is read.
struct Repeated {
    image: Image,
    blob: Vec<u8>,
    reads: AtomicUsize,
}

impl Repeated {
    fn new(tar: &[u8], copies: usize) -> Repeated {
        let blob = compress(tar, Compress::Gzip);
        let layer: Layer = layer_of(tar, &blob);
        Repeated {
            image: Image {
                reference: "test:repeated".to_string(),
                manifest_digest: None,
                config_digest: support::sha256(b"config"),
                platform: "linux/amd64".to_string(),
                layers: vec![layer; copies],
            },
            blob,
            reads: AtomicUsize::new(0),
        }
    }
}

impl ImageSource for Repeated {
    fn image(&self) -> &Image {
        &self.image
    }

    fn blob(&self, _: &str) -> Result<Box<dyn Read + Send + '_>, ImageError> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        Ok(Box::new(&self.blob[..]))
    }
}

fn run(source: &Repeated) -> Result<scangate_types::Inventory, ImageError> {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::open(dir.path(), 1 << 30).unwrap();
    let catalogers = scangate_catalog::registry::system();
    analyze(source, &cache, &catalogers, 1 << 20, &Quiet)
}

#[test]
fn too_many_layers_refuse_the_image() {
    let tar = Tar::new().file("etc/os-release", OS_RELEASE).finish();
    let source = Repeated::new(&tar, MAX_LAYERS + 1);
    let err = run(&source).unwrap_err();
    assert_eq!(
        err.to_string(),
        "test:repeated: 1001 layers, over 1000; image refused"
    );
    assert_eq!(source.reads.load(Ordering::SeqCst), 0);
}

#[test]
fn a_repeated_layer_is_read_once_and_credited_to_its_first_copy() {
    let mut tar = Tar::new()
        .file("etc/os-release", OS_RELEASE)
        .file("var/lib/dpkg/status", STATUS);
    for i in 0..2000 {
        tar = tar.file(&format!("usr/share/x/file{i:05}"), b"");
    }
    let source = Repeated::new(&tar.finish(), 50);
    let inventory = run(&source).unwrap();
    assert_eq!(source.reads.load(Ordering::SeqCst), 1);
    let credited: Vec<(String, Option<usize>)> = inventory
        .packages
        .iter()
        .flat_map(|p| {
            p.locations
                .iter()
                .map(|l| (p.name.clone(), l.layer.as_ref().map(|layer| layer.index)))
        })
        .collect();
    assert_eq!(credited, [("zlib1g".to_string(), Some(0))]);
}
