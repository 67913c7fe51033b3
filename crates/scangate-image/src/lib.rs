//! Container images: where an image comes from ([`sources`]), what it is made of ([`Image`]),
//! the raw blobs of its layers ([`ImageSource::blob`]), and how those layers are read
//! ([`layers`]), merged into the file view catalogers read ([`ImageView`]) and credited with
//! the packages they brought in ([`attribute`]).
//!
//! Every source resolves a reference to one image for one platform and hands out its blobs by
//! digest; reading, verifying and merging layers is the same code for all of them.

mod attribution;
pub mod cache;
pub mod digest;
mod error;
mod image;
pub mod layers;
pub mod manifest;
pub mod reference;
pub mod sources;
mod view;

pub use attribution::attribute;
pub use cache::Cache;
pub use error::ImageError;
pub use image::{Image, Layer};
pub use layers::{Interest, LayerIndex, Limits, extract_layer, extract_layer_with};
pub use sources::{ImageSource, SourceOptions};
pub use view::ImageView;
