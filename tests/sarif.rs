//! `--format sarif` as code scanning reads it: valid against the official schema,
//! every rule described from its docs, and fingerprints that survive moved lines.

mod common;

use std::path::Path;
use std::process::Command;

use cargo_panicfree::rules::ALL;
use common::{bin, code, fixture, package, run_in, stderr, stdout};

/// The SARIF of `fixtures/workspace`.
fn fixture_sarif() -> String {
    let manifest = fixture("workspace").join("Cargo.toml");
    let out = bin()
        .args(["panicfree", "--manifest-path"])
        .arg(&manifest)
        .args(["--format", "sarif"])
        .output()
        .expect("binary runs");
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    stdout(&out)
}

/// The Python that validates: `PANICFREE_PYTHON` (what `.ci/run` sets: a venv with
/// `jsonschema`), else `python3`.
fn python() -> String {
    std::env::var("PANICFREE_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

const VALIDATE: &str = r#"
import hashlib, json, sys
import jsonschema
schema_path, doc_path = sys.argv[1], sys.argv[2]
raw = open(schema_path, "rb").read()
digest = hashlib.sha256(raw).hexdigest()
expected = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
if digest != expected:
    sys.exit("the schema copy changed: sha256 " + digest)
validator = jsonschema.Draft4Validator(json.loads(raw))
errors = sorted(validator.iter_errors(json.load(open(doc_path))), key=lambda e: list(e.path))
for e in errors:
    print("/".join(map(str, e.path)) + ": " + e.message)
sys.exit(1 if errors else 0)
"#;

/// Validates a SARIF text against `tests/schemas/sarif-2.1.0.json` with Python's
/// `jsonschema.Draft4Validator`.
fn assert_valid_sarif(text: &str) {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-2.1.0.json");
    let dir = tempfile::tempdir().expect("temp dir");
    let doc = dir.path().join("report.sarif");
    std::fs::write(&doc, text).expect("write report");
    let out = Command::new(python())
        .args(["-c", VALIDATE])
        .arg(&schema)
        .arg(&doc)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {} ({e}): set PANICFREE_PYTHON", python()));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("No module named 'jsonschema'"),
        "the SARIF schema test needs Python's jsonschema: `python3 -m venv .venv && \
         .venv/bin/pip install jsonschema`, then PANICFREE_PYTHON=.venv/bin/python \
         (.ci/run does this)"
    );
    assert!(
        out.status.success(),
        "SARIF is not valid against the schema:\n{}{err}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn sarif_of_the_fixture_workspace_is_valid_against_the_official_schema() {
    assert_valid_sarif(&fixture_sarif());
}

#[test]
fn sarif_with_no_results_and_with_odd_paths_is_valid() {
    let dir = package(&[(
        "src/lib.rs",
        "pub fn f(a: u32) -> Option<u32> { a.checked_add(1) }\n",
    )]);
    let out = run_in(dir.path(), &["--format", "sarif"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_valid_sarif(&stdout(&out));

    let dir = package(&[
        ("src/lib.rs", "#[path = \"a b/ü.rs\"]\nmod odd;\n"),
        ("src/a b/ü.rs", "pub fn g(v: &[u8]) -> u8 { v[0] }\n"),
    ]);
    let out = run_in(dir.path(), &["--format", "sarif"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let text = stdout(&out);
    assert_valid_sarif(&text);
    let sarif: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "src/a%20b/%C3%BC.rs");
}

#[test]
fn sarif_report_is_pinned_and_rules_are_described_from_their_docs() {
    let mut sarif: serde_json::Value = serde_json::from_str(&fixture_sarif()).expect("JSON");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array_mut()
        .expect("rules");
    assert_eq!(rules.len(), ALL.len(), "every rule is described");
    for (descriptor, rule) in rules.iter_mut().zip(ALL) {
        assert_eq!(descriptor["id"], rule.id().as_str());
        assert_eq!(descriptor["shortDescription"]["text"], rule.summary());
        let markdown = descriptor["help"]["markdown"].as_str().expect("markdown");
        assert!(
            rule.docs().ends_with(markdown),
            "{}: help is the docs",
            rule.id()
        );
        assert!(markdown.starts_with("**Flags**"), "{}", rule.id());
        let full = descriptor["fullDescription"]["text"]
            .as_str()
            .expect("text");
        assert!(full.starts_with("Flags "), "{}: {full}", rule.id());
        // The docs themselves are pinned by tests/meta.rs and README.
        for field in ["fullDescription", "help"] {
            descriptor[field] = serde_json::json!(format!("<from src/rules/{}.md>", rule.id()));
        }
    }
    let pretty = serde_json::to_string_pretty(&sarif).expect("serializes");
    insta::assert_snapshot!("sarif", pretty);
}

/// The SARIF results of a package with one library file.
fn results_of(lib: &str) -> Vec<serde_json::Value> {
    let dir = package(&[("src/lib.rs", lib)]);
    let out = run_in(dir.path(), &["--format", "sarif", "--no-cache"]);
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .clone()
}

fn line_hashes(results: &[serde_json::Value]) -> Vec<String> {
    results
        .iter()
        .map(|r| {
            r["partialFingerprints"]["primaryLocationLineHash"]
                .as_str()
                .expect("hash")
                .to_owned()
        })
        .collect()
}

#[test]
fn fingerprints_survive_moved_lines_and_reformatting_but_not_other_code() {
    let before = results_of(
        "pub fn f(o: Option<u8>, v: &[u8]) -> u8 {\n    o.unwrap() + v[0] + o.unwrap()\n}\n",
    );
    let moved = results_of(
        "// a comment\n\n/// docs\npub fn f(o: Option<u8>, v: &[u8]) -> u8 {\n    o.unwrap()\n        + v[ 0 ]\n        + o.unwrap()\n}\n",
    );
    assert_eq!(before.len(), 3);
    assert_ne!(before[0]["locations"], moved[0]["locations"]);
    assert_eq!(line_hashes(&before), line_hashes(&moved));
    // Two unwraps in one function: the same identity, told apart by occurrence.
    let hashes = line_hashes(&before);
    assert!(
        hashes[0].ends_with(":1") && hashes[2].ends_with(":2"),
        "{hashes:?}"
    );
    assert_eq!(hashes[0].split(':').next(), hashes[2].split(':').next());

    let renamed = results_of(
        "pub fn g(o: Option<u8>, v: &[u8]) -> u8 {\n    o.unwrap() + v[1] + o.unwrap()\n}\n",
    );
    let renamed = line_hashes(&renamed);
    assert!(renamed.iter().all(|h| !hashes.contains(h)), "{renamed:?}");
}

#[test]
fn justified_findings_are_in_source_suppressions() {
    let dir = package(&[(
        "src/lib.rs",
        "pub fn f(o: Option<u8>) -> u8 {\n    // PANIC: callers check\n    o.expect(\"checked\")\n}\n",
    )]);
    let out = run_in(dir.path(), &["--format", "sarif"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "expect");
    assert_eq!(
        result["suppressions"],
        serde_json::json!([{ "kind": "inSource", "status": "accepted", "justification": "callers check" }])
    );
}
