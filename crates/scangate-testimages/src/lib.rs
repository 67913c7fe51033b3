//! The container-image fixtures that `.ci/test-images` builds once and image tests share
//! (docs/testing.md): a Debian bookworm root filesystem, a two-layer image made from it as an
//! OCI layout, an oci-archive and a docker-archive, registries serving it, Podman's API socket
//! and containerd holding it, and the packages every one of those sources must report.
//!
//! ```no_run
//! let Some(images) = scangate_testimages::require("oci-dir inventory") else {
//!     return;
//! };
//! assert!(images.oci_dir.join("index.json").is_file());
//! ```

mod dpkg;
mod vars;

pub use dpkg::{DpkgPackage, DpkgSource};

use std::fmt;
use std::path::{Path, PathBuf};
use vars::Vars;

/// Where each fixture is, as the env file of `.ci/test-images` lists them.
#[derive(Debug, Clone)]
pub struct TestImages {
    /// The image's final tree (both layers applied), for `scangate rootfs`.
    pub rootfs: PathBuf,
    pub oci_dir: PathBuf,
    pub oci_archive: PathBuf,
    pub docker_archive: PathBuf,
    /// `host:port` of the registry without authentication.
    pub registry: String,
    /// `host:port` of the registry asking for basic authentication.
    pub registry_basic: String,
    /// `host:port` of the registry asking for bearer tokens; its token endpoint asks for the
    /// same basic credentials.
    pub registry_token: String,
    pub credentials: Credentials,
    /// The credentials for both registries as a containers auth file (Docker's config.json).
    pub authfile: PathBuf,
    /// The repository in the registries, e.g. `scangate/debian`.
    pub repo: String,
    /// The OCI manifest's tag; [`TestImages::tag_for`] names the other forms.
    pub tag: String,
    /// The name in Podman, containerd and the docker-archive: `localhost/<repo>:<tag>`.
    pub name: String,
    /// The OCI manifest's digest: in the layout, the oci-archive, the registry, Podman, containerd.
    pub digest: String,
    /// The image configuration's digest: the image ID everywhere.
    pub image_id: String,
    pub podman_sock: PathBuf,
    /// For running `podman` against the fixture's storage (`CONTAINERS_STORAGE_CONF`).
    pub podman_storage_conf: PathBuf,
    /// For running `podman` with the fixture's engine settings (`CONTAINERS_CONF`).
    pub podman_containers_conf: PathBuf,
    pub containerd_sock: PathBuf,
    pub containerd_namespace: String,
    /// The final tree's packages, sorted by name: what every source must report.
    pub expected_dpkg: Vec<DpkgPackage>,
    /// The first layer's packages alone; the second installs `hello` and purges `e2fsprogs`.
    pub expected_dpkg_base: Vec<DpkgPackage>,
    /// The source package of each of the final tree's packages.
    pub expected_dpkg_sources: Vec<DpkgSource>,
}

/// Test-only registry credentials; `Debug` leaves the password out.
#[derive(Clone)]
pub struct Credentials {
    pub user: String,
    pub password: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// The forms the registries store the one image in, each under its own tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManifestForm {
    Oci,
    /// An OCI image index listing the OCI manifest.
    OciIndex,
    /// A Docker schema 2 manifest.
    Docker,
    /// A Docker manifest list listing the Docker manifest.
    DockerList,
}

impl TestImages {
    /// The registries' tag for the image in `form`.
    pub fn tag_for(&self, form: ManifestForm) -> String {
        let suffix = match form {
            ManifestForm::Oci => "",
            ManifestForm::OciIndex => "-index",
            ManifestForm::Docker => "-docker",
            ManifestForm::DockerList => "-docker-list",
        };
        format!("{}{suffix}", self.tag)
    }

    fn from_vars(vars: &Vars) -> Result<TestImages, String> {
        let auth = Vars::read(&vars.path("SCANGATE_TEST_REGISTRY_AUTH_ENV")?)?;
        Ok(TestImages {
            rootfs: vars.path("SCANGATE_TEST_ROOTFS")?,
            oci_dir: vars.path("SCANGATE_TEST_OCI_DIR")?,
            oci_archive: vars.path("SCANGATE_TEST_OCI_ARCHIVE")?,
            docker_archive: vars.path("SCANGATE_TEST_DOCKER_ARCHIVE")?,
            registry: vars.get("SCANGATE_TEST_REGISTRY")?,
            registry_basic: vars.get("SCANGATE_TEST_REGISTRY_AUTH")?,
            registry_token: vars.get("SCANGATE_TEST_REGISTRY_TOKEN")?,
            credentials: Credentials {
                user: auth.get("SCANGATE_TEST_REGISTRY_USER")?,
                password: auth.get("SCANGATE_TEST_REGISTRY_PASSWORD")?,
            },
            authfile: vars.path("SCANGATE_TEST_REGISTRY_AUTHFILE")?,
            repo: vars.get("SCANGATE_TEST_IMAGE_REPO")?,
            tag: vars.get("SCANGATE_TEST_IMAGE_TAG")?,
            name: vars.get("SCANGATE_TEST_IMAGE_NAME")?,
            digest: vars.get("SCANGATE_TEST_IMAGE_DIGEST")?,
            image_id: vars.get("SCANGATE_TEST_IMAGE_ID")?,
            podman_sock: vars.path("SCANGATE_TEST_PODMAN_SOCK")?,
            podman_storage_conf: vars.path("SCANGATE_TEST_PODMAN_STORAGE_CONF")?,
            podman_containers_conf: vars.path("SCANGATE_TEST_PODMAN_CONTAINERS_CONF")?,
            containerd_sock: vars.path("SCANGATE_TEST_CONTAINERD_SOCK")?,
            containerd_namespace: vars.get("SCANGATE_TEST_CONTAINERD_NAMESPACE")?,
            expected_dpkg: dpkg::packages(&vars.path("SCANGATE_TEST_DPKG_QUERY")?)?,
            expected_dpkg_base: dpkg::packages(&vars.path("SCANGATE_TEST_DPKG_QUERY_BASE")?)?,
            expected_dpkg_sources: dpkg::sources(&vars.path("SCANGATE_TEST_DPKG_SOURCE")?)?,
        })
    }
}

/// The fixtures, or `None` when they are not built or incomplete.
pub fn fixture() -> Option<TestImages> {
    load().ok()
}

/// The fixtures for the test `what`. When they are missing or incomplete, this panics under CI
/// (`CI=true`) and otherwise prints why the test is skipped and returns `None`.
pub fn require(what: &str) -> Option<TestImages> {
    match load() {
        Ok(images) => Some(images),
        Err(reason) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!(
                "{what} needs the image fixtures: {reason}; .ci/run builds them with .ci/test-images"
            )
        }
        Err(reason) => {
            eprintln!(
                "skipped {what}: {reason} (build them with .ci/test-images, docs/testing.md)"
            );
            None
        }
    }
}

/// The `SCANGATE_TEST_*` variables when set, else the env file the script wrote.
fn load() -> Result<TestImages, String> {
    let vars = match Vars::from_process() {
        Some(vars) => vars,
        None => Vars::read(&env_file()?)?,
    };
    TestImages::from_vars(&vars)
}

/// `$SCANGATE_TEST_IMAGES/env`, else the workspace's `target/test-images/env`, else the first
/// `test-images/env` in a folder above the workspace (one build shared by several checkouts).
fn env_file() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("SCANGATE_TEST_IMAGES") {
        return Ok(Path::new(&dir).join("env"));
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let own = workspace.join("target/test-images/env");
    if own.is_file() {
        return Ok(own);
    }
    let workspace = workspace.canonicalize().map_err(|e| e.to_string())?;
    workspace
        .ancestors()
        .skip(1)
        .map(|dir| dir.join("test-images/env"))
        .find(|file| file.is_file())
        .ok_or_else(|| {
            "no SCANGATE_TEST_* variables, no $SCANGATE_TEST_IMAGES, no target/test-images/env \
             and no test-images/env above the workspace"
                .to_string()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// An env file as the script writes it, pointing into `dir`, with every file present.
    fn write_fixture(dir: &Path) -> PathBuf {
        let d = dir.display();
        for folder in ["rootfs", "oci"] {
            fs::create_dir_all(dir.join(folder)).unwrap();
        }
        for file in [
            "image.oci.tar",
            "image.docker.tar",
            "registry-auth.json",
            "podman.sock",
            "storage.conf",
            "containers.conf",
            "containerd.sock",
        ] {
            fs::write(dir.join(file), "").unwrap();
        }
        fs::write(
            dir.join("registry-auth.env"),
            "SCANGATE_TEST_REGISTRY_USER=scangate-test\nSCANGATE_TEST_REGISTRY_PASSWORD=pa=ss\n",
        )
        .unwrap();
        fs::write(
            dir.join("dpkg-query.txt"),
            "bash\t5.2.15-2+b13\tamd64\nhello\t2.10-3\tamd64\n",
        )
        .unwrap();
        fs::write(
            dir.join("dpkg-query-base.txt"),
            "bash\t5.2.15-2+b13\tamd64\n",
        )
        .unwrap();
        fs::write(
            dir.join("dpkg-source.txt"),
            "bash\tbash\t5.2.15-2\nhello\thello\t2.10-3\n",
        )
        .unwrap();
        let env = format!(
            "SCANGATE_TEST_ROOTFS={d}/rootfs\nSCANGATE_TEST_OCI_DIR={d}/oci\n\
             SCANGATE_TEST_OCI_ARCHIVE={d}/image.oci.tar\nSCANGATE_TEST_DOCKER_ARCHIVE={d}/image.docker.tar\n\
             SCANGATE_TEST_REGISTRY=127.0.0.1:5000\nSCANGATE_TEST_REGISTRY_AUTH=127.0.0.1:5001\n\
             SCANGATE_TEST_REGISTRY_TOKEN=127.0.0.1:5002\nSCANGATE_TEST_REGISTRY_AUTH_ENV={d}/registry-auth.env\n\
             SCANGATE_TEST_REGISTRY_AUTHFILE={d}/registry-auth.json\nSCANGATE_TEST_IMAGE_REPO=scangate/debian\n\
             SCANGATE_TEST_IMAGE_TAG=bookworm\nSCANGATE_TEST_IMAGE_NAME=localhost/scangate/debian:bookworm\n\
             SCANGATE_TEST_IMAGE_DIGEST=sha256:0123\nSCANGATE_TEST_IMAGE_ID=sha256:4567\n\
             SCANGATE_TEST_PODMAN_SOCK={d}/podman.sock\nSCANGATE_TEST_PODMAN_STORAGE_CONF={d}/storage.conf\n\
             SCANGATE_TEST_PODMAN_CONTAINERS_CONF={d}/containers.conf\n\
             SCANGATE_TEST_CONTAINERD_SOCK={d}/containerd.sock\nSCANGATE_TEST_CONTAINERD_NAMESPACE=scangate\n\
             SCANGATE_TEST_DPKG_QUERY={d}/dpkg-query.txt\nSCANGATE_TEST_DPKG_QUERY_BASE={d}/dpkg-query-base.txt\n\
             SCANGATE_TEST_DPKG_SOURCE={d}/dpkg-source.txt\n"
        );
        let file = dir.join("env");
        fs::write(&file, env).unwrap();
        file
    }

    fn package(name: &str, version: &str) -> DpkgPackage {
        DpkgPackage {
            name: name.into(),
            version: version.into(),
            architecture: "amd64".into(),
        }
    }

    #[test]
    fn reads_every_fixture_from_the_env_file() {
        let dir = tempfile::tempdir().unwrap();
        let env = write_fixture(dir.path());
        let images = TestImages::from_vars(&Vars::read(&env).unwrap()).unwrap();
        assert_eq!(images.rootfs, dir.path().join("rootfs"));
        assert_eq!(images.registry_token, "127.0.0.1:5002");
        assert_eq!(images.name, "localhost/scangate/debian:bookworm");
        assert_eq!(images.credentials.user, "scangate-test");
        assert_eq!(images.credentials.password, "pa=ss");
        assert_eq!(
            images.expected_dpkg,
            [package("bash", "5.2.15-2+b13"), package("hello", "2.10-3")]
        );
        assert_eq!(images.expected_dpkg_base, [package("bash", "5.2.15-2+b13")]);
        assert_eq!(
            images.expected_dpkg_sources[0],
            DpkgSource {
                package: "bash".into(),
                source_name: "bash".into(),
                source_version: "5.2.15-2".into(),
            }
        );
        assert_eq!(
            images.tag_for(ManifestForm::DockerList),
            "bookworm-docker-list"
        );
        assert_eq!(
            format!("{:?}", images.credentials),
            r#"Credentials { user: "scangate-test", password: "<redacted>" }"#
        );
    }

    #[test]
    fn names_the_missing_variable_and_the_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let env = write_fixture(dir.path());
        let text = fs::read_to_string(&env).unwrap();
        let without_tag: String = text
            .lines()
            .filter(|line| !line.starts_with("SCANGATE_TEST_IMAGE_TAG="))
            .map(|line| format!("{line}\n"))
            .collect();
        fs::write(&env, without_tag).unwrap();
        let error = TestImages::from_vars(&Vars::read(&env).unwrap()).unwrap_err();
        assert_eq!(
            error,
            format!("SCANGATE_TEST_IMAGE_TAG is not set in {}", env.display())
        );

        write_fixture(dir.path());
        fs::remove_file(dir.path().join("image.docker.tar")).unwrap();
        let error = TestImages::from_vars(&Vars::read(&env).unwrap()).unwrap_err();
        assert_eq!(
            error,
            format!(
                "SCANGATE_TEST_DOCKER_ARCHIVE={}/image.docker.tar does not exist",
                dir.path().display()
            )
        );
    }
}
