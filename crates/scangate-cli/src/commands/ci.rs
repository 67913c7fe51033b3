//! The scan's figures as CI variables: Azure DevOps logging commands, GitHub step outputs and
//! summary, a dotenv file for GitLab and Jenkins. Values are counts, the verdict and paths.

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use scangate_types::{ScanResult, Severity};
use std::io::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct CiArgs {
    /// Publish the scan's figures as variables of this CI system; `auto` recognises Azure
    /// DevOps, GitHub Actions, GitLab CI and Jenkins from their environment.
    #[arg(
        long,
        help_heading = "CI",
        value_enum,
        value_name = "SYSTEM",
        default_value_t = CiSystem::Auto
    )]
    pub ci: CiSystem,

    /// The dotenv file GitLab and Jenkins get the variables in.
    #[arg(
        long,
        help_heading = "CI",
        value_name = "PATH",
        default_value = "scangate.env"
    )]
    pub ci_dotenv: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CiSystem {
    Auto,
    Azure,
    Github,
    Gitlab,
    Jenkins,
    None,
}

/// Where the scan's reports went: `None` for one not written.
#[derive(Debug, Default)]
pub struct Outputs {
    pub report: Option<PathBuf>,
    pub sarif: Option<PathBuf>,
    pub sbom: Option<PathBuf>,
    /// Whether a report went to standard output (Azure's commands then go to standard error,
    /// which the agent reads as well).
    pub report_on_stdout: bool,
}

impl Outputs {
    /// The files the scan's reports go to: the first one written is the report, SARIF and SBOM
    /// formats also name their own variables.
    pub fn of(reports: &super::output::Reports) -> Outputs {
        use scangate_report::Format;
        let file_of = |wanted: &[Format]| {
            reports
                .targets()
                .find(|(format, path)| path.is_some() && wanted.contains(format))
                .and_then(|(_, path)| path.map(std::path::Path::to_path_buf))
        };
        Outputs {
            report: reports
                .targets()
                .find_map(|(_, path)| path.map(std::path::Path::to_path_buf)),
            sarif: file_of(&[Format::Sarif]),
            sbom: file_of(&[Format::CycloneDx, Format::Spdx]),
            report_on_stdout: reports.targets().any(|(_, path)| path.is_none()),
        }
    }
}

/// The CI system `auto` finds in the environment, as each documents its own marker.
fn detect(var: impl Fn(&str) -> Option<String>) -> CiSystem {
    if var("TF_BUILD").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        CiSystem::Azure
    } else if var("GITHUB_ACTIONS").as_deref() == Some("true") {
        CiSystem::Github
    } else if var("GITLAB_CI").as_deref() == Some("true") {
        CiSystem::Gitlab
    } else if var("JENKINS_URL").is_some_and(|v| !v.is_empty()) {
        CiSystem::Jenkins
    } else {
        CiSystem::None
    }
}

/// Publishes the variables for the CI system `args` names or the environment shows.
pub fn publish(
    args: &CiArgs,
    result: &ScanResult,
    passed: bool,
    outputs: &Outputs,
) -> anyhow::Result<()> {
    let system = match args.ci {
        CiSystem::Auto => detect(|name| std::env::var(name).ok()),
        chosen => chosen,
    };
    let variables = variables(result, passed, outputs);
    match system {
        CiSystem::Auto | CiSystem::None => Ok(()),
        CiSystem::Azure => {
            let lines = azure(&variables);
            if outputs.report_on_stdout {
                eprint!("{lines}");
            } else {
                print!("{lines}");
            }
            Ok(())
        }
        CiSystem::Github => {
            append_to_env_file("GITHUB_OUTPUT", &github_output(&variables))?;
            append_to_env_file("GITHUB_STEP_SUMMARY", &summary(result, passed))
        }
        CiSystem::Gitlab | CiSystem::Jenkins => std::fs::write(&args.ci_dotenv, dotenv(&variables))
            .with_context(|| format!("cannot write {}", args.ci_dotenv.display())),
    }
}

/// The variables, in the order every system gets them.
fn variables(result: &ScanResult, passed: bool, outputs: &Outputs) -> Vec<(&'static str, String)> {
    let count = |severity| {
        let n = result
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count();
        n.to_string()
    };
    let path = |path: &Option<PathBuf>| {
        path.as_deref()
            .map_or(String::new(), |p| p.display().to_string())
    };
    let verdict = result
        .policy
        .as_ref()
        .map_or("NONE", |p| p.verdict.as_str());
    vec![
        ("vulnerabilityCount", result.findings.len().to_string()),
        ("criticalCount", count(Severity::Critical)),
        ("highCount", count(Severity::High)),
        ("mediumCount", count(Severity::Medium)),
        ("lowCount", count(Severity::Low)),
        ("policyResult", verdict.to_string()),
        ("scanPassed", passed.to_string()),
        ("reportPath", path(&outputs.report)),
        ("sarifPath", path(&outputs.sarif)),
        ("sbomPath", path(&outputs.sbom)),
    ]
}

/// `##vso[task.setvariable]` commands; the value is escaped as the agent unescapes it.
fn azure(variables: &[(&str, String)]) -> String {
    variables
        .iter()
        .map(|(name, value)| {
            let value = value
                .replace('%', "%AZP25")
                .replace('\r', "%0D")
                .replace('\n', "%0A");
            format!("##vso[task.setvariable variable={name};isOutput=true]{value}\n")
        })
        .collect()
}

/// `name=value` lines; a value with a line break takes the `name<<DELIMITER` form.
fn github_output(variables: &[(&str, String)]) -> String {
    variables
        .iter()
        .map(|(name, value)| {
            if value.contains(['\n', '\r']) {
                let mut delimiter = "SCANGATE_EOF".to_string();
                while value.contains(&delimiter) {
                    delimiter.push('_');
                }
                format!("{name}<<{delimiter}\n{value}\n{delimiter}\n")
            } else {
                format!("{name}={value}\n")
            }
        })
        .collect()
}

/// `NAME=value` lines with nothing else: GitLab's dotenv reports take no quotes, comments or
/// blank lines, and no line breaks in a value (such a value is left empty).
fn dotenv(variables: &[(&str, String)]) -> String {
    variables
        .iter()
        .map(|(name, value)| {
            let value = if value.contains(['\n', '\r']) {
                ""
            } else {
                value
            };
            format!("{name}={value}\n")
        })
        .collect()
}

/// The Markdown GitHub shows on the run's summary page.
fn summary(result: &ScanResult, passed: bool) -> String {
    let count = |severity| {
        result
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    };
    let gate = match &result.policy {
        Some(policy) if passed => format!("gate passed ({})", policy.verdict.as_str()),
        Some(policy) => format!("gate failed ({})", policy.verdict.as_str()),
        None => "no policy".to_string(),
    };
    let mut out = format!(
        "### scangate: {}: {gate}\n\n\
         | Critical | High | Medium | Low | Unknown | Total |\n\
         |---:|---:|---:|---:|---:|---:|\n\
         | {} | {} | {} | {} | {} | {} |\n",
        result.target.name,
        count(Severity::Critical),
        count(Severity::High),
        count(Severity::Medium),
        count(Severity::Low),
        count(Severity::Unknown),
        result.findings.len(),
    );
    if let Some(policy) = &result.policy {
        if !policy.violations.is_empty() {
            out.push('\n');
        }
        for violation in &policy.violations {
            out.push_str(&format!(
                "- **{}** `{}`: {}\n",
                violation.action.as_str(),
                violation.rule,
                violation.message
            ));
        }
        if !policy.ignored.is_empty() || !policy.expired_ignores.is_empty() {
            out.push_str(&format!(
                "\nSet aside by ignores: {}. Expired ignores: {}.\n",
                policy.ignored.len(),
                policy.expired_ignores.len()
            ));
        }
    }
    out.push('\n');
    out
}

/// Appends to the file a CI system names in `var`; a missing variable is a warning.
fn append_to_env_file(var: &str, text: &str) -> anyhow::Result<()> {
    let Some(path) = std::env::var_os(var) else {
        eprintln!("scangate: warning: {var} is not set; its variables are not written");
        return Ok(());
    };
    let path = Path::new(&path);
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .with_context(|| format!("cannot write {} (${var})", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_detection_follows_each_system_marker() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| value.to_string())
            }
        };
        assert_eq!(detect(env(&[("TF_BUILD", "True")])), CiSystem::Azure);
        assert_eq!(detect(env(&[("GITHUB_ACTIONS", "true")])), CiSystem::Github);
        assert_eq!(detect(env(&[("GITLAB_CI", "true")])), CiSystem::Gitlab);
        assert_eq!(
            detect(env(&[("JENKINS_URL", "https://ci.example.invalid/")])),
            CiSystem::Jenkins
        );
        assert_eq!(detect(env(&[("GITHUB_ACTIONS", "false")])), CiSystem::None);
        assert_eq!(detect(env(&[("JENKINS_URL", "")])), CiSystem::None);
        assert_eq!(detect(env(&[])), CiSystem::None);
    }

    #[test]
    fn values_with_special_characters_stay_one_variable() {
        let odd = [("reportPath", "a%b\nc".to_string())];
        assert_eq!(
            azure(&odd),
            "##vso[task.setvariable variable=reportPath;isOutput=true]a%AZP25b%0Ac\n"
        );
        assert_eq!(
            github_output(&odd),
            "reportPath<<SCANGATE_EOF\na%b\nc\nSCANGATE_EOF\n"
        );
        let sneaky = [("reportPath", "x\nSCANGATE_EOF".to_string())];
        assert_eq!(
            github_output(&sneaky),
            "reportPath<<SCANGATE_EOF_\nx\nSCANGATE_EOF\nSCANGATE_EOF_\n"
        );
        assert_eq!(dotenv(&odd), "reportPath=\n");
    }
}
