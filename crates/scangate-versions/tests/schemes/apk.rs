//! apk: apk-package(5)'s version grammar and facts from apk-tools' version test data.

use scangate_versions::Scheme;

use crate::common::{ascending, equal, invalid, less, sorts};

const APK: Scheme = Scheme::Apk;

/// Every suffix in its documented place, then the kinds after a plain release.
const CHAIN: [&str; 18] = [
    "1.0_alpha",
    "1.0_alpha1",
    "1.0_beta",
    "1.0_pre1",
    "1.0_rc1",
    "1.0",
    "1.0-r0",
    "1.0-r1",
    "1.0~1234-r0",
    "1.0_cvs",
    "1.0_svn",
    "1.0_git20240101",
    "1.0_hg",
    "1.0_p1",
    "1.0_p1-r2",
    "1.0_p2",
    "1.0a",
    "1.0.1",
];

#[test]
fn documented_order() {
    ascending(APK, &CHAIN);
}

#[test]
fn test_data_facts() {
    less(
        APK,
        &[
            ("0.1.0_alpha", "2.34"),
            ("0.1.0_alpha", "0.1.0_alpha2"),
            ("0.1.0_alpha", "0.1.3_alpha"),
            ("0.1.0_alpha_pre2", "0.1.0_alpha"),
            ("1.0.4-r3", "1.0.4-r4"),
            ("0.7-r1", "1.0.0"),
            ("1.1_alpha1", "1.1"),
            ("1.2", "1.2.1"),
            ("1.2.12.1", "1.2.13"),
            ("2.3.0b-r1", "2.3.0b-r2"),
            ("2.3.0b-r4", "3.10.18-r1"),
            ("0.12", "0.12.1"),
            ("0.12", "0.13_beta1"),
            ("3.1_p16", "3.1_p17"),
            ("1.0_p9-r0", "1.0_p10-r0"),
            ("6.0_pre1", "6.0"),
            ("6.0", "6.0_p1"),
            ("1.3_pre1-r1", "1.3.2"),
            ("1.0.0_pre20191002222144-r0", "1.0.0_pre20210530193627-r0"),
            ("2.9.11_pre20051101-r2", "2.9.11_pre20051101-r3"),
            ("2.9.11_pre20051101", "2.9.11_pre20051101-r3"),
            ("0.1_pre20060810", "20061003"),
            ("1.0~1234", "1.0~2345"),
            ("1.0~1234-r1", "1.0~2345-r0"),
            ("1.0~1234-r0", "1.0~1234-r1"),
            ("1.06-r6", "006"),
        ],
    );
}

#[test]
fn numbers_with_leading_zeros_compare_as_text() {
    less(
        APK,
        &[
            ("8.2.0", "8.2.001"),
            ("8.2.0015", "8.2.002"),
            ("1.01", "1.1"),
            ("1.09", "1.1"),
            ("1.0", "1.00"),
        ],
    );
    equal(APK, &[("01.1", "1.1"), ("1.2.3_p01", "1.2.3_p1")]);
}

#[test]
fn valid_and_invalid_grammar() {
    for valid in [
        "1.2",
        "0.1_pre2",
        "0.1_pre2~1234abcd",
        "0.1_p1_pre2",
        "0.1_alpha1_pre2",
        "0.1_git20240101_pre1",
    ] {
        crate::common::parse(APK, valid);
    }
    invalid(
        APK,
        &[
            "0.1bc",
            "0.1bc1",
            "0.1a1",
            "0.1a.1",
            "0.1_pre2~",
            "0.1_pre2~1234xbcd",
            "0.1_pre2~1234abcd_pre1",
            "0.1_pre2-r1~1234abcd",
            "0.1_foobar",
            "0.1_foobar1",
            "0.1-pre1.1",
            "0.1-r",
            "0.1-r2_pre1",
            "0.1-r2_p3_pre1",
            "0.1-r2-r3",
            "0.1-r2.1",
            ".1",
            "a",
            "_pre1",
            "-r1",
            "0.1_",
            "0.1_-r0",
            "0.1__alpha",
            "0.1_1_alpha",
            "1.0A",
        ],
    );
}

#[test]
fn sorting_a_shuffled_list() {
    sorts(APK, &CHAIN);
}
