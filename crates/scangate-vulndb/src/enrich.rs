//! Enrichment data: CISA's Known Exploited Vulnerabilities catalog and FIRST's EPSS scores.

use serde::Deserialize;

/// `enrichment/kev.json`: the KEV catalog as CISA publishes it.
pub(crate) const KEV_FILE: &str = "enrichment/kev.json";
/// `enrichment/epss.csv`: EPSS scores, `cve,epss,percentile`.
pub(crate) const EPSS_FILE: &str = "enrichment/epss.csv";

/// A CVE in CISA's Known Exploited Vulnerabilities catalog.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Kev {
    #[serde(rename = "cveID")]
    pub cve: String,
    #[serde(rename = "vendorProject", default)]
    pub vendor_project: Option<String>,
    #[serde(default)]
    pub product: Option<String>,
    #[serde(rename = "vulnerabilityName", default)]
    pub name: Option<String>,
    /// When CISA added it, `YYYY-MM-DD`.
    #[serde(rename = "dateAdded", default)]
    pub date_added: Option<String>,
    /// When US federal agencies must have remediated it, `YYYY-MM-DD`.
    #[serde(rename = "dueDate", default)]
    pub due_date: Option<String>,
    /// `Known` when it is known to be used in ransomware campaigns, else `Unknown`.
    #[serde(rename = "knownRansomwareCampaignUse", default)]
    pub ransomware_use: Option<String>,
}

impl Kev {
    /// Whether CISA knows it to be used in ransomware campaigns.
    pub fn known_ransomware_use(&self) -> bool {
        self.ransomware_use.as_deref() == Some("Known")
    }
}

/// A CVE's EPSS score: the probability of exploitation activity in the next 30 days, and the
/// share of scored CVEs at or below that score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Epss {
    pub score: f64,
    pub percentile: f64,
}

#[derive(Deserialize)]
struct KevCatalog {
    vulnerabilities: Vec<Kev>,
}

/// The entries of a KEV catalog; the reason when the file is not one.
pub(crate) fn parse_kev(bytes: &[u8]) -> Result<Vec<Kev>, String> {
    let catalog: KevCatalog =
        serde_json::from_slice(bytes).map_err(|err| format!("not a KEV catalog: {err}"))?;
    Ok(catalog.vulnerabilities)
}

/// A bad row of an EPSS file: its 1-based line and why.
#[derive(Debug, PartialEq)]
pub(crate) struct BadRow {
    pub line: usize,
    pub reason: String,
}

/// The rows of an EPSS CSV. `#` lines (FIRST's `#model_version:...,score_date:...`) and the
/// `cve,...` header are skipped; a malformed row is a [`BadRow`].
pub(crate) fn parse_epss(text: &str) -> (Vec<(String, Epss)>, Vec<BadRow>) {
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() || line.starts_with('#') || line.starts_with("cve,") {
            continue;
        }
        match parse_epss_row(line) {
            Ok(row) => rows.push(row),
            Err(reason) => bad.push(BadRow {
                line: index + 1,
                reason,
            }),
        }
    }
    (rows, bad)
}

fn parse_epss_row(line: &str) -> Result<(String, Epss), String> {
    let mut fields = line.split(',');
    let (Some(cve), Some(score), Some(percentile), None) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err(format!("expected `cve,epss,percentile`, found {line:?}"));
    };
    if !cve.starts_with("CVE-") {
        return Err(format!("{cve:?} is not a CVE id"));
    }
    let probability = |field: &str| {
        field
            .parse::<f64>()
            .ok()
            .filter(|value| (0.0..=1.0).contains(value))
            .ok_or_else(|| format!("{field:?} is not a number from 0 to 1"))
    };
    Ok((
        cve.to_string(),
        Epss {
            score: probability(score)?,
            percentile: probability(percentile)?,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epss_rows_comments_and_bad_rows() {
        let text = "#model_version:v2025.03.14,score_date:2025-08-16T00:00:00+0000\n\
                    cve,epss,percentile\n\
                    CVE-1999-1593,0.181260000,0.969460000\n\
                    CVE-2000-1,abc,0.5\n\
                    GHSA-x,0.1,0.2\n\
                    CVE-2000-2,0.1\n\
                    CVE-2000-3,0.5,1.5\r\n\
                    \n";
        let (rows, bad) = parse_epss(text);
        assert_eq!(
            rows,
            [(
                "CVE-1999-1593".to_string(),
                Epss {
                    score: 0.18126,
                    percentile: 0.96946
                }
            )]
        );
        let bad: Vec<String> = bad
            .iter()
            .map(|b| format!("{}: {}", b.line, b.reason))
            .collect();
        assert_eq!(
            bad,
            [
                "4: \"abc\" is not a number from 0 to 1",
                "5: \"GHSA-x\" is not a CVE id",
                "6: expected `cve,epss,percentile`, found \"CVE-2000-2,0.1\"",
                "7: \"1.5\" is not a number from 0 to 1",
            ]
        );
    }

    #[test]
    fn kev_entries_and_a_file_that_is_not_a_catalog() {
        let kev = parse_kev(
            br#"{"catalogVersion": "x", "vulnerabilities": [{"cveID": "CVE-2021-44228",
                "vendorProject": "Apache", "product": "Log4j2", "dateAdded": "2021-12-10",
                "dueDate": "2021-12-24", "knownRansomwareCampaignUse": "Known", "cwes": []}]}"#,
        )
        .unwrap();
        assert_eq!(kev[0].cve, "CVE-2021-44228");
        assert_eq!(kev[0].due_date.as_deref(), Some("2021-12-24"));
        assert!(kev[0].known_ransomware_use());
        assert_eq!(
            parse_kev(br#"{"count": 1}"#).unwrap_err(),
            "not a KEV catalog: missing field `vulnerabilities` at line 1 column 12"
        );
    }
}
