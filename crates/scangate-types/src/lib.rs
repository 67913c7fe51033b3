//! Plain data types shared by every scangate stage.
//!
//! Nothing here does I/O: catalogers produce [`Package`]s, the scan merges them into an
//! [`Inventory`], and reports read a [`ScanResult`].

mod ecosystem;
mod finding;
mod inventory;
mod package;
mod paths;
mod policy;
mod purl;

pub use ecosystem::Ecosystem;
pub use finding::{Epss, Finding, FindingPackage, Kev, Score, Severity};
pub use inventory::{
    DatabaseInfo, FileIssue, Inventory, IssueLevel, SCHEMA_VERSION, ScanResult, ScanTarget,
    ScannedFile, Tool,
};
pub use package::{LayerRef, Location, Origin, Package, Relationship, Scope, SourcePackage};
pub use paths::DependencyGraph;
pub use policy::{Action, ExpiredIgnore, Ignored, PolicyOutcome, Verdict, Violation};
pub use purl::{pep503_name, purl_for};
