#[test]
fn dump() {
    use crate::testing::*;
    let cases = [
        "requirements/pip-compile",
        "requirements/forms",
        "requirements/cycle",
        "requirements/missing",
        "requirements/malformed",
        "pipfile-lock/pipenv",
        "pipfile-lock/lock-only",
        "pipfile-lock/malformed",
        "poetry-lock/v1-1",
        "poetry-lock/v2-0",
        "poetry-lock/v2-1",
        "poetry-lock/malformed",
        "uv-lock/workspace",
        "uv-lock/virtual",
        "uv-lock/malformed",
        "pdm-lock/pdm",
        "pdm-lock/malformed",
    ];
    for c in cases {
        let inv = scan_fixture(&format!("python/{c}"));
        let mut out = String::new();
        for r in rows(&inv) {
            out += &format!("                \"{r}\",\n");
        }
        out += "ISSUES\n";
        for r in issues(&inv) {
            out += &format!("{r:?}\n");
        }
        out += "EDGES\n";
        for p in &inv.packages {
            out += &format!(
                "{} {:?} {:?} {:?}\n",
                p.purl, p.origin, p.requirement, p.depends_on
            );
        }
        std::fs::write(format!("/tmp/dump/{}.txt", c.replace('/', "_")), out).unwrap();
    }
    let inv = scan_fixture_with(
        "python/installed/site",
        scangate_fsview::SkipRules::new(&[], &[], true).unwrap(),
    );
    let mut out = String::new();
    for r in rows(&inv) {
        out += &format!("                \"{r}\",\n");
    }
    for r in issues(&inv) {
        out += &format!("{r:?}\n");
    }
    for p in &inv.packages {
        out += &format!("{} {:?}\n", p.purl, p.licenses);
    }
    std::fs::write("/tmp/dump/installed.txt", out).unwrap();
}
