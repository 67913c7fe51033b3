/// Why a file in a view could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    #[error("no such file")]
    NotFound,
    #[error("file is {}, over the {} limit (raise it with --max-file-size)", human(*size), human(*limit))]
    TooLarge { size: u64, limit: u64 },
    #[error("resolves outside the scan root; not read")]
    OutsideRoot,
    #[error(
        "symbolic link loop (more than {} links); not read",
        crate::rooted::MAX_LINK_HOPS
    )]
    LinkLoop,
    #[error("not a regular file")]
    NotRegular,
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
}

fn human(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{bytes} bytes")
    }
}
