//! Who we are to a registry: credentials from `SCANGATE_REGISTRY_USERNAME`/`_PASSWORD`, else
//! from Docker's `config.json` (`auths`, `credHelpers`, `credsStore`) in `$DOCKER_CONFIG` or
//! `~/.docker`. Secrets live in [`Secret`], which never prints itself.

use crate::ImageError;
use docker_credential::{CredentialRetrievalError, DockerCredential};
use std::fmt;
use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

const USERNAME_VAR: &str = "SCANGATE_REGISTRY_USERNAME";
const PASSWORD_VAR: &str = "SCANGATE_REGISTRY_PASSWORD";
/// The registry the two above are for: a pipeline's credentials must never reach another
/// registry it happens to scan (a public base image, a hostile reference).
const HOST_VAR: &str = "SCANGATE_REGISTRY_HOST";

/// A password or token: readable on purpose only, redacted in `Debug`, no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct Secret(String);

impl Secret {
    pub(super) fn new(value: String) -> Secret {
        Secret(value)
    }

    pub(super) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Credential {
    Basic {
        username: String,
        password: Secret,
    },
    /// An OAuth2 refresh token (`identitytoken` after `docker login` to some registries), traded
    /// for an access token at the registry's token service.
    IdentityToken(Secret),
}

/// The credential for `registry` (`host[:port]` as in the image name), if any is configured.
pub(super) fn lookup(registry: &str) -> Result<Option<Credential>, ImageError> {
    if let Some(credential) = from_env(registry)? {
        return Ok(Some(credential));
    }
    from_docker_config(registry)
}

fn from_env(registry: &str) -> Result<Option<Credential>, ImageError> {
    let username = std::env::var(USERNAME_VAR).ok().filter(|v| !v.is_empty());
    let password = std::env::var(PASSWORD_VAR).ok().filter(|v| !v.is_empty());
    match (username, password) {
        (Some(username), Some(password)) => {
            let host = std::env::var(HOST_VAR).ok().filter(|v| !v.is_empty());
            match host {
                Some(host) if host.eq_ignore_ascii_case(registry) => Ok(Some(Credential::Basic {
                    username,
                    password: Secret(password),
                })),
                Some(_) => Ok(None),
                None => Err(auth_error(
                    registry,
                    format!(
                        "{USERNAME_VAR} is set but {HOST_VAR} is not: name the registry they are for"
                    ),
                )),
            }
        }
        (None, None) => Ok(None),
        (Some(_), None) => Err(auth_error(
            registry,
            format!("{USERNAME_VAR} is set but {PASSWORD_VAR} is not"),
        )),
        (None, Some(_)) => Err(auth_error(
            registry,
            format!("{PASSWORD_VAR} is set but {USERNAME_VAR} is not"),
        )),
    }
}

/// `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`, as the Docker client reads it.
fn docker_config_path() -> Option<PathBuf> {
    let dir = match std::env::var_os("DOCKER_CONFIG").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".docker"),
    };
    Some(dir.join("config.json"))
}

/// The key Docker files a registry's credentials under: Docker Hub's is its historical
/// v1 index URL, every other registry's its `host[:port]`.
fn docker_config_key(registry: &str) -> &str {
    match registry {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" => "https://index.docker.io/v1/",
        other => other,
    }
}

fn from_docker_config(registry: &str) -> Result<Option<Credential>, ImageError> {
    let Some(path) = docker_config_path() else {
        return Ok(None);
    };
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(ImageError::Io { path, source }),
    };
    let found = docker_credential::get_credential_from_reader(
        BufReader::new(file),
        docker_config_key(registry),
    );
    // The crate's own messages may carry a helper's output; only our words reach the user.
    let problem = match found {
        Ok(DockerCredential::UsernamePassword(username, password)) => {
            return Ok(Some(Credential::Basic {
                username,
                password: Secret(password),
            }));
        }
        Ok(DockerCredential::IdentityToken(token)) => {
            return Ok(Some(Credential::IdentityToken(Secret(token))));
        }
        Err(
            CredentialRetrievalError::NoCredentialConfigured
            | CredentialRetrievalError::ConfigNotFound,
        ) => {
            return Ok(None);
        }
        // A helper that knows nothing of this registry says so and fails; Docker pulls
        // anonymously then, and so do we.
        Err(CredentialRetrievalError::HelperFailure { stdout, stderr, .. })
            if is_not_found(&stdout) || is_not_found(&stderr) =>
        {
            return Ok(None);
        }
        Err(CredentialRetrievalError::ConfigReadError) => {
            return Err(ImageError::Format {
                what: path.display().to_string(),
                message: "not a valid Docker config file (JSON)".to_string(),
            });
        }
        Err(CredentialRetrievalError::HelperFailure { helper, .. }) => {
            format!("the credential helper {helper} failed")
        }
        Err(CredentialRetrievalError::HelperCommunicationError) => {
            "the credential helper cannot be run (is docker-credential-<name> on PATH?)".to_string()
        }
        Err(CredentialRetrievalError::MalformedHelperResponse) => {
            "the credential helper's answer is not the JSON it should be".to_string()
        }
        Err(CredentialRetrievalError::CredentialDecodingError) => {
            "the auth entry is not base64 of user:password".to_string()
        }
        Err(CredentialRetrievalError::CredentialMismatchError) => {
            "the entry's auth disagrees with its username and password".to_string()
        }
    };
    Err(auth_error(
        registry,
        format!("{}: {problem}", path.display()),
    ))
}

fn is_not_found(helper_output: &str) -> bool {
    helper_output.contains("credentials not found")
}

fn auth_error(registry: &str, message: String) -> ImageError {
    ImageError::Auth {
        source_name: super::SOURCE_NAME,
        registry: registry.to_string(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_in_debug_output() {
        let credential = Credential::Basic {
            username: "ci".to_string(),
            password: Secret::new("hunter2".to_string()),
        };
        let shown = format!("{credential:?}");
        assert_eq!(
            shown,
            r#"Basic { username: "ci", password: Secret(<redacted>) }"#
        );
    }

    #[test]
    fn docker_hub_credentials_are_filed_under_the_v1_index_url() {
        assert_eq!(
            docker_config_key("docker.io"),
            "https://index.docker.io/v1/"
        );
        assert_eq!(docker_config_key("127.0.0.1:5000"), "127.0.0.1:5000");
    }
}
