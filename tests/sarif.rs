//! `--format sarif` as code scanning reads it: valid against the official schema,
//! every rule described from its docs, and fingerprints that survive moved lines.

mod common;

use std::path::Path;

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

/// The official schema, copied into `tests/schemas/` (sha256
/// c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e, see its README);
/// its xxh3 here pins the copy.
const SCHEMA_XXH3: u64 = 13_322_338_282_309_890_849;

/// Validates a SARIF text against `tests/schemas/sarif-2.1.0.json` (draft-04).
fn assert_valid_sarif(text: &str) {
    let errors = schema_errors(text);
    assert!(
        errors.is_empty(),
        "SARIF is not valid against the schema:\n{}",
        errors.join("\n")
    );
}

#[test]
fn the_schema_check_rejects_invalid_sarif() {
    let mut doc: serde_json::Value = serde_json::from_str(&fixture_sarif()).expect("SARIF is JSON");
    doc["version"] = serde_json::json!("3.0");
    doc["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(schema_errors(&doc.to_string()).len() >= 2);
}

/// The schema's complaints about a SARIF text.
fn schema_errors(text: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-2.1.0.json");
    let raw = std::fs::read(&path).expect("the schema copy");
    assert_eq!(
        xxhash_rust::xxh3::xxh3_64(&raw),
        SCHEMA_XXH3,
        "the schema copy changed"
    );
    let schema: serde_json::Value = serde_json::from_slice(&raw).expect("schema is JSON");
    let validator = jsonschema::draft4::new(&schema).expect("the schema compiles");
    let doc: serde_json::Value = serde_json::from_str(text).expect("SARIF is JSON");
    validator
        .iter_errors(&doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
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
