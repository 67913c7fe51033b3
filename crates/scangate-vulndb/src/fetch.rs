//! HTTP downloads for updates: conditional GETs streamed to a temporary file and hashed on the
//! way, with the body checked to be complete.

use crate::Error;
use crate::build::temp_beside;
use crate::db::SourceStatus;
use crate::progress::{Progress, Unit};
use crate::source::hex;
use sha2::{Digest as _, Sha256};
use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;
use tempfile::NamedTempFile;
use ureq::Agent;

pub(crate) struct Fetcher {
    agent: Agent,
    base: String,
    max_bytes: u64,
}

/// What a GET brought.
pub(crate) enum Fetched {
    /// 304: the stored copy is current; the server may send fresh validators.
    NotModified(Validators),
    /// 404.
    NotFound,
    /// 200: the whole body, in a temporary file beside the database.
    Body(Download),
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

pub(crate) struct Download {
    pub file: NamedTempFile,
    pub sha256: String,
    pub bytes: u64,
    pub validators: Validators,
}

impl Fetcher {
    pub fn new(base: &str, max_bytes: u64) -> Fetcher {
        let mut config = Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(30)))
            .timeout_recv_response(Some(Duration::from_secs(60)))
            // A stalled transfer fails; a slow but moving one may take as long as it needs.
            .timeout_per_read(Some(Duration::from_secs(60)))
            .user_agent(concat!("scangate/", env!("CARGO_PKG_VERSION")));
        if is_loopback(base) {
            // A proxy from the environment has no business with a local server.
            config = config.proxy(None);
        }
        Fetcher {
            agent: config.build().into(),
            base: base.trim_end_matches('/').to_string(),
            max_bytes,
        }
    }

    /// The URL of `path` (`/`-separated, unescaped) under the base URL.
    pub fn url(&self, path: &str) -> String {
        let escaped: Vec<String> = path.split('/').map(escape_segment).collect();
        format!("{}/{}", self.base, escaped.join("/"))
    }

    /// GETs `path`; with the validators `previous` was served with, so an unchanged file costs
    /// a 304. A body is accepted only whole (as long as its Content-Length, within the limit)
    /// and lands in a temporary file beside the database `db`.
    pub fn get(
        &self,
        path: &str,
        previous: Option<&SourceStatus>,
        db: &Path,
        progress: &dyn Progress,
    ) -> Result<Fetched, Error> {
        let url = self.url(path);
        let fail = |reason: String| Error::Fetch {
            url: url.clone(),
            reason,
        };
        let mut request = self.agent.get(&url);
        if let Some(previous) = previous {
            if let Some(etag) = &previous.etag {
                request = request.header("If-None-Match", etag);
            }
            if let Some(last_modified) = &previous.last_modified {
                request = request.header("If-Modified-Since", last_modified);
            }
        }
        let mut response = request.call().map_err(|err| fail(err.to_string()))?;
        let validators = Validators {
            etag: header(&response, "etag"),
            last_modified: header(&response, "last-modified"),
        };
        match response.status().as_u16() {
            200 => {}
            304 => return Ok(Fetched::NotModified(validators)),
            404 => return Ok(Fetched::NotFound),
            status => {
                let reason = response.status().canonical_reason().unwrap_or("");
                return Err(fail(
                    format!("HTTP {status} {reason}").trim_end().to_string(),
                ));
            }
        }
        let expected = response.body().content_length();
        if let Some(length) = expected.filter(|&length| length > self.max_bytes) {
            return Err(fail(format!(
                "{length} bytes, over the {}-byte download limit",
                self.max_bytes
            )));
        }
        let mut file = temp_beside(db)?;
        progress.begin(path, expected, Unit::Bytes);
        let copied = copy_hashed(
            &mut response
                .body_mut()
                .with_config()
                .limit(self.max_bytes)
                .reader(),
            file.as_file_mut(),
            progress,
        );
        progress.end();
        let (bytes, sha256) = copied.map_err(|err| fail(format!("download failed: {err}")))?;
        if let Some(length) = expected.filter(|&length| length != bytes) {
            return Err(fail(format!(
                "download incomplete: {bytes} of {length} bytes"
            )));
        }
        file.as_file_mut()
            .flush()
            .map_err(Error::io(file.path().to_path_buf()))?;
        Ok(Fetched::Body(Download {
            file,
            sha256,
            bytes,
            validators,
        }))
    }
}

/// Copies `from` to `to`; the byte count and SHA-256 of what was copied.
fn copy_hashed(
    from: &mut impl Read,
    to: &mut impl Write,
    progress: &dyn Progress,
) -> std::io::Result<(u64, String)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = from.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        to.write_all(&buf[..n])?;
        total += n as u64;
        progress.advance(n as u64);
    }
    Ok((total, hex(&hasher.finalize())))
}

fn header(response: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
}

/// A path segment with everything but unreserved characters and `:`, `@` percent-encoded.
fn escape_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~:@".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Whether the URL's host is this machine.
fn is_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or("");
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_escape_each_segment() {
        let fetcher = Fetcher::new("http://127.0.0.1:8080/osv/", 1);
        assert_eq!(
            fetcher.url("crates.io/all.zip"),
            "http://127.0.0.1:8080/osv/crates.io/all.zip"
        );
        assert_eq!(
            fetcher.url("GitHub Actions/all.zip"),
            "http://127.0.0.1:8080/osv/GitHub%20Actions/all.zip"
        );
        assert_eq!(
            fetcher.url("Debian:11/all.zip"),
            "http://127.0.0.1:8080/osv/Debian:11/all.zip"
        );
    }

    #[test]
    fn loopback_hosts() {
        assert!(is_loopback("http://127.0.0.1:8080/x"));
        assert!(is_loopback("http://localhost/x"));
        assert!(is_loopback("http://[::1]:80"));
        assert!(!is_loopback("https://mirror.example.invalid/osv"));
        assert!(!is_loopback("http://10.0.0.1/"));
    }
}
