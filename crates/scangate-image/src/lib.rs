//! Container images: where an image comes from ([`sources`]), what it is made of ([`Image`]),
//! and the raw blobs of its layers ([`ImageSource::blob`]).
//!
//! Every source resolves a reference to one image for one platform and hands out its blobs by
//! digest; reading, verifying and merging layers is the same code for all of them.

pub mod cache;
pub mod digest;
mod error;
mod image;
pub mod manifest;
pub mod reference;
pub mod sources;

pub use cache::Cache;
pub use error::ImageError;
pub use image::{Image, Layer};
pub use sources::{ImageSource, SourceOptions};
