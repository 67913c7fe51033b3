//! HTTP to one repository of one registry: GETs under `/v2/<repository>/`, answering a 401's
//! challenge (basic, or a bearer token from the registry's token service) once per request.
//! Redirects (to blob storage) are followed without the `Authorization` header.

use super::SOURCE_NAME;
use super::challenge::{self, Challenge};
use super::credentials::{Credential, Secret};
use crate::ImageError;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use std::sync::Mutex;
use std::time::Duration;
use ureq::http::{Response, StatusCode};
use ureq::{Agent, Body};

/// The largest token-service answer read: tokens are a few kilobytes.
const MAX_TOKEN_RESPONSE: u64 = 1024 * 1024;

pub(super) struct Client {
    agent: Agent,
    /// `https://host[:port]` (or `http://` for an insecure registry) of the API.
    base: String,
    /// The registry as the image name spells it, for messages.
    registry: String,
    repository: String,
    insecure_registries: Vec<String>,
    credential: Option<Credential>,
    /// The `Authorization` value that last worked (a bearer token is reused until refused).
    authorization: Mutex<Option<Secret>>,
}

impl Client {
    /// `registry` as in the image name (`docker.io`, `127.0.0.1:5000`); plain HTTP only where
    /// it is listed in `insecure_registries`.
    pub(super) fn new(
        registry: &str,
        repository: &str,
        insecure_registries: &[String],
        credential: Option<Credential>,
    ) -> Client {
        let scheme = if is_listed(registry, insecure_registries) {
            "http"
        } else {
            "https"
        };
        let mut config = Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(30)))
            .timeout_recv_response(Some(Duration::from_secs(120)))
            // A stalled transfer fails; a slow but moving layer may take as long as it needs.
            .timeout_per_read(Some(Duration::from_secs(120)))
            .user_agent(concat!("scangate/", env!("CARGO_PKG_VERSION")));
        if is_loopback(registry) {
            // A proxy from the environment has no business with a local registry.
            config = config.proxy(None);
        }
        Client {
            agent: config.build().into(),
            base: format!("{scheme}://{}", api_host(registry)),
            registry: registry.to_string(),
            repository: repository.to_string(),
            insecure_registries: insecure_registries.to_vec(),
            credential,
            authorization: Mutex::new(None),
        }
    }

    /// GET `/v2/<repository>/<path>` (`manifests/<ref>`, `blobs/<digest>`). `what` names the
    /// object in errors. Returns only successful responses.
    pub(super) fn get(
        &self,
        path: &str,
        accept: &str,
        what: &str,
    ) -> Result<Response<Body>, ImageError> {
        let url = format!("{}/v2/{}/{path}", self.base, self.repository);
        let response = self.send(&url, accept)?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return self.successful(response, what);
        }
        let challenge = response
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .and_then(challenge::parse)
            .ok_or_else(|| {
                self.auth_error(
                    "the registry refused access without a usable WWW-Authenticate challenge"
                        .to_string(),
                )
            })?;
        let authorization = self.authorize(&challenge)?;
        *self.authorization.lock().unwrap_or_else(|e| e.into_inner()) = Some(authorization);
        let response = self.send(&url, accept)?;
        self.successful(response, what)
    }

    fn send(&self, url: &str, accept: &str) -> Result<Response<Body>, ImageError> {
        let mut request = self.agent.get(url).header("Accept", accept);
        let authorization = self
            .authorization
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(authorization) = &authorization {
            request = request.header("Authorization", authorization.expose());
        }
        request.call().map_err(|e| self.transport_error(&e))
    }

    fn successful(
        &self,
        response: Response<Body>,
        what: &str,
    ) -> Result<Response<Body>, ImageError> {
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        Err(match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => self.auth_error(format!(
                "access to {what} refused (HTTP {})",
                status.as_u16()
            )),
            StatusCode::NOT_FOUND => ImageError::NotFound {
                source_name: SOURCE_NAME,
                reference: format!("{}/{} ({what})", self.registry, self.repository),
            },
            _ => ImageError::Unavailable {
                source_name: SOURCE_NAME,
                message: format!("{}: HTTP {} for {what}", self.registry, status.as_u16()),
            },
        })
    }

    /// The `Authorization` value that answers `challenge`.
    fn authorize(&self, challenge: &Challenge) -> Result<Secret, ImageError> {
        match (challenge, &self.credential) {
            (Challenge::Basic, Some(Credential::Basic { username, password })) => {
                Ok(Secret::new(format!(
                    "Basic {}",
                    BASE64.encode(format!("{username}:{}", password.expose()))
                )))
            }
            (Challenge::Basic, Some(Credential::IdentityToken(_))) => Err(self.auth_error(
                "the registry wants a password, but only an identity token is configured"
                    .to_string(),
            )),
            (Challenge::Basic, None) => Err(self.auth_error(
                "the registry requires credentials (docker login, or SCANGATE_REGISTRY_USERNAME \
                 and SCANGATE_REGISTRY_PASSWORD with SCANGATE_REGISTRY_HOST naming it)"
                    .to_string(),
            )),
            (Challenge::Bearer { realm, service, .. }, _) => {
                let token = self.token(realm, service.as_deref())?;
                Ok(Secret::new(format!("Bearer {}", token.expose())))
            }
        }
    }

    /// A pull token for our repository from the token service at `realm`.
    fn token(&self, realm: &str, service: Option<&str>) -> Result<Secret, ImageError> {
        let realm_host = host_of(realm).ok_or_else(|| {
            self.auth_error(format!(
                "the token service URL {realm:?} is not an http(s) URL"
            ))
        })?;
        if !realm.starts_with("https://") && !is_listed(realm_host, &self.insecure_registries) {
            return Err(self.auth_error(format!(
                "the token service {realm} is plain HTTP and {realm_host} is not an insecure registry"
            )));
        }
        let scope = format!("repository:{}:pull", self.repository);
        let response = match &self.credential {
            // OAuth2: a refresh token is posted, never put in a URL.
            Some(Credential::IdentityToken(refresh)) => {
                let mut form = vec![
                    ("grant_type", "refresh_token"),
                    ("client_id", "scangate"),
                    ("scope", scope.as_str()),
                    ("refresh_token", refresh.expose()),
                ];
                form.extend(service.map(|s| ("service", s)));
                self.agent.post(realm).send_form(form)
            }
            credential => {
                let mut request = self.agent.get(realm).query("scope", &scope);
                if let Some(service) = service {
                    request = request.query("service", service);
                }
                if let Some(Credential::Basic { username, password }) = credential {
                    let basic = BASE64.encode(format!("{username}:{}", password.expose()));
                    request = request.header("Authorization", format!("Basic {basic}"));
                }
                request.call()
            }
        }
        .map_err(|e| self.transport_error(&e))?;
        let status = response.status();
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            return Err(self.auth_error(format!(
                "the token service refused the credentials (HTTP {})",
                status.as_u16()
            )));
        }
        if !status.is_success() {
            return Err(ImageError::Unavailable {
                source_name: SOURCE_NAME,
                message: format!(
                    "{}: token service answered HTTP {}",
                    self.registry,
                    status.as_u16()
                ),
            });
        }
        let body = response
            .into_body()
            .into_with_config()
            .limit(MAX_TOKEN_RESPONSE)
            .read_to_vec()
            .map_err(|e| self.transport_error(&e))?;
        #[derive(serde::Deserialize)]
        struct TokenResponse {
            token: Option<String>,
            access_token: Option<String>,
        }
        let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|_| {
            self.auth_error("the token service's answer is not the expected JSON".to_string())
        })?;
        parsed
            .token
            .or(parsed.access_token)
            .filter(|t| !t.is_empty())
            .map(Secret::new)
            .ok_or_else(|| self.auth_error("the token service gave no token".to_string()))
    }

    fn auth_error(&self, message: String) -> ImageError {
        ImageError::Auth {
            source_name: SOURCE_NAME,
            registry: self.registry.clone(),
            message,
        }
    }

    /// A failure below HTTP. ureq's messages name URLs at most, and ours carry no secrets.
    pub(super) fn transport_error(&self, error: &ureq::Error) -> ImageError {
        let problem = match error {
            ureq::Error::ConnectionFailed => "connection failed".to_string(),
            ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                "connection refused".to_string()
            }
            ureq::Error::HostNotFound => "host not found".to_string(),
            ureq::Error::Timeout(what) => format!("timed out ({what})"),
            ureq::Error::Tls(what) => format!("TLS error: {what}"),
            ureq::Error::Rustls(e) => format!("TLS error: {e}"),
            other => other.to_string(),
        };
        ImageError::Unavailable {
            source_name: SOURCE_NAME,
            message: format!("{} ({}): {problem}", self.registry, self.base),
        }
    }
}

/// The host that serves a registry's API: Docker Hub's image names say `docker.io`, its API
/// lives elsewhere.
fn api_host(registry: &str) -> &str {
    match registry {
        "docker.io" | "index.docker.io" => "registry-1.docker.io",
        other => other,
    }
}

fn is_listed(host: &str, insecure_registries: &[String]) -> bool {
    insecure_registries
        .iter()
        .any(|listed| listed.eq_ignore_ascii_case(host))
}

fn is_loopback(registry: &str) -> bool {
    let host = registry.rsplit_once(':').map_or(registry, |(host, _)| host);
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

/// `host[:port]` of an `http(s)://` URL.
fn host_of(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|host| !host.is_empty() && !host.contains('@'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_of_urls() {
        assert_eq!(
            host_of("http://127.0.0.1:5000/token?x=1"),
            Some("127.0.0.1:5000")
        );
        assert_eq!(
            host_of("https://auth.example.invalid"),
            Some("auth.example.invalid")
        );
        assert_eq!(host_of("https://user@auth.example.invalid/"), None);
        assert_eq!(host_of("ftp://x/"), None);
    }

    #[test]
    fn plain_http_only_for_listed_registries() {
        let listed = vec!["127.0.0.1:5000".to_string()];
        assert_eq!(
            Client::new("127.0.0.1:5000", "a/b", &listed, None).base,
            "http://127.0.0.1:5000"
        );
        assert_eq!(
            Client::new("localhost:5000", "a/b", &listed, None).base,
            "https://localhost:5000"
        );
        assert_eq!(
            Client::new("docker.io", "library/debian", &[], None).base,
            "https://registry-1.docker.io"
        );
    }
}
