//! Scores from the advisories' CVSS vectors and severity labels, and the finding's severity.

use cvss::{v2, v3, v4};
use scangate_types::{Score, Severity};
use std::str::FromStr;

/// The base score of a CVSS vector of `kind` (`CVSS_V2`, `CVSS_V3`, `CVSS_V4`) and its band.
pub fn base_score(kind: &str, vector: &str) -> Option<(f64, Severity)> {
    let vector = vector.trim().trim_start_matches('(').trim_end_matches(')');
    let score = match kind {
        "CVSS_V2" => {
            let vector = vector.strip_prefix("CVSS:2.0/").unwrap_or(vector);
            v2::Vector::from_str(vector).ok()?.score().value()
        }
        "CVSS_V3" => v3::Vector::from_str(vector).ok()?.score().value(),
        "CVSS_V4" => v4::Vector::from_str(vector).ok()?.score().value(),
        _ => return None,
    };
    Some((score, Severity::from_cvss(kind, score)))
}

/// The severity of a finding: the highest band any CVSS score gives (a gate errs on the side of
/// the worst reading); without a readable vector, the highest label an advisory states.
pub fn overall(scores: &[Score]) -> Severity {
    let from_vectors = scores
        .iter()
        .filter_map(|s| {
            s.base_score
                .map(|value| Severity::from_cvss(&s.kind, value))
        })
        .max();
    from_vectors
        .or_else(|| {
            scores
                .iter()
                .filter(|s| s.kind == "label")
                .filter_map(|s| Severity::from_label(&s.value))
                .max()
        })
        .unwrap_or(Severity::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_score_as_the_cvss_calculators_do() {
        // Log4Shell, CVE-2021-44228.
        assert_eq!(
            base_score("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"),
            Some((10.0, Severity::Critical))
        );
        assert_eq!(
            base_score("CVSS_V3", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"),
            Some((5.9, Severity::Medium))
        );
        assert_eq!(
            base_score("CVSS_V2", "AV:N/AC:L/Au:N/C:P/I:P/A:P"),
            Some((7.5, Severity::High))
        );
        assert_eq!(
            base_score("CVSS_V2", "AV:N/AC:L/Au:N/C:C/I:C/A:C"),
            Some((10.0, Severity::High))
        );
        assert_eq!(
            base_score(
                "CVSS_V4",
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
            ),
            Some((9.3, Severity::Critical))
        );
        assert_eq!(base_score("CVSS_V3", "not a vector"), None);
        assert_eq!(base_score("Ubuntu", "high"), None);
    }

    #[test]
    fn the_worst_reading_wins_and_labels_are_a_fallback() {
        let score = |kind: &str, value: &str| Score {
            source: "X".into(),
            kind: kind.into(),
            value: value.into(),
            base_score: base_score(kind, value).map(|(s, _)| s),
        };
        let medium = score("CVSS_V3", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N");
        let critical = score("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H");
        let label = score("label", "LOW");
        assert_eq!(overall(&[medium.clone(), critical]), Severity::Critical);
        assert_eq!(overall(&[medium, label.clone()]), Severity::Medium);
        assert_eq!(
            overall(&[label, score("label", "moderate")]),
            Severity::Medium
        );
        assert_eq!(overall(&[]), Severity::Unknown);
    }
}
