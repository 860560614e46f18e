//! Configuration: where it is read from, what it changes, and how bad config fails.

mod common;

use common::{code, json, package, run_in, sites, stderr};

const UNWRAP: &str = "pub fn f(o: Option<u8>) -> u8 { o.unwrap() }\n";

fn one_line_error(out: &std::process::Output) -> String {
    assert_eq!(code(out), 2, "{}", stderr(out));
    let err = stderr(out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!err.contains("panicked"));
    err
}

#[test]
fn unknown_key_names_the_file_the_line_and_the_key() {
    let dir = package(&[
        ("panicfree.toml", "[scope]\nincldue_tests = true\n"),
        ("src/lib.rs", UNWRAP),
    ]);
    let err = one_line_error(&run_in(dir.path(), &[]));
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("panicfree.toml:2"), "{err}");
    assert!(err.contains("incldue_tests"), "{err}");
    assert!(
        err.contains("include_tests"),
        "expected keys are listed: {err}"
    );
}

#[test]
fn unknown_rule_suggests_the_nearest() {
    let dir = package(&[
        ("panicfree.toml", "[rules]\nunwarp = \"allow\"\n"),
        ("src/lib.rs", UNWRAP),
    ]);
    let err = one_line_error(&run_in(dir.path(), &[]));
    assert!(
        err.contains("`rules.unwarp`: unknown rule `unwarp`, did you mean `unwrap`?"),
        "{err}"
    );
}

#[test]
fn bad_level_lists_the_levels() {
    let dir = package(&[
        ("panicfree.toml", "[rules]\nunwrap = \"off\"\n"),
        ("src/lib.rs", UNWRAP),
    ]);
    let err = one_line_error(&run_in(dir.path(), &[]));
    assert!(
        err.contains("deny") && err.contains("warn") && err.contains("allow"),
        "{err}"
    );
}

#[test]
fn invalid_toml_is_a_config_error() {
    let dir = package(&[("panicfree.toml", "[rules\n"), ("src/lib.rs", UNWRAP)]);
    let err = one_line_error(&run_in(dir.path(), &[]));
    assert!(err.contains("panicfree.toml:1"), "{err}");
}

#[test]
fn config_in_both_places_is_an_error() {
    let dir = package(&[
        (
            "Cargo.toml",
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n\n[workspace.metadata.panicfree.rules]\nunwrap = \"allow\"\n",
        ),
        ("panicfree.toml", "[rules]\nunwrap = \"allow\"\n"),
        ("src/lib.rs", UNWRAP),
    ]);
    let err = one_line_error(&run_in(dir.path(), &[]));
    assert!(err.contains("given twice"), "{err}");
}

#[test]
fn workspace_metadata_is_read() {
    let dir = package(&[
        (
            "Cargo.toml",
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n\n[workspace.metadata.panicfree.rules]\nunwrap = \"warn\"\n",
        ),
        ("src/lib.rs", UNWRAP),
    ]);
    let out = run_in(dir.path(), &["--format", "json"]);
    assert_eq!(code(&out), 0);
    assert_eq!(json(&out)["findings"][0]["severity"], "warning");
}

#[test]
fn a_bad_key_in_workspace_metadata_names_cargo_toml() {
    let dir = package(&[
        (
            "Cargo.toml",
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n\n[workspace.metadata.panicfree]\nscope = { include = true }\n",
        ),
        ("src/lib.rs", UNWRAP),
    ]);
    let err = one_line_error(&run_in(dir.path(), &[]));
    assert!(err.contains("Cargo.toml:9"), "{err}");
    assert!(err.contains("workspace.metadata.panicfree.scope"), "{err}");
}

#[test]
fn rules_can_be_allowed_warned_and_denied() {
    let dir = package(&[
        (
            "panicfree.toml",
            "[rules]\nunwrap = \"allow\"\narithmetic = \"deny\"\n",
        ),
        (
            "src/lib.rs",
            "pub fn f(o: Option<u8>, b: u8) -> u8 { o.unwrap() / b }\n",
        ),
    ]);
    let out = run_in(dir.path(), &["--format", "json"]);
    assert_eq!(code(&out), 1);
    let report = json(&out);
    assert_eq!(
        sites(&report),
        [("src/lib.rs".to_owned(), 1, "arithmetic".to_owned())]
    );
    assert_eq!(report["findings"][0]["severity"], "error");
}

#[test]
fn parse_errors_cannot_be_allowed() {
    let dir = package(&[
        ("panicfree.toml", "[rules]\nparse-error = \"allow\"\n"),
        ("src/lib.rs", UNWRAP),
    ]);
    let err = one_line_error(&run_in(dir.path(), &[]));
    assert!(err.contains("cannot be configured"), "{err}");
}

#[test]
fn justification_markers_and_rules_are_configurable() {
    let src =
        "pub fn f(o: Option<u8>) -> u8 {\n    // SAFE-UNWRAP: set in new()\n    o.unwrap()\n}\n";
    let dir = package(&[
        (
            "panicfree.toml",
            "[justification]\nmarkers = [\"SAFE-UNWRAP:\"]\nrules = [\"unwrap\"]\n",
        ),
        ("src/lib.rs", src),
    ]);
    let out = run_in(dir.path(), &["--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["findings"][0]["justification"], "set in new()");
}

#[test]
fn include_tests_can_be_set_in_config() {
    let dir = package(&[
        ("panicfree.toml", "[scope]\ninclude_tests = true\n"),
        (
            "src/lib.rs",
            "#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() { Some(1).unwrap(); }\n}\n",
        ),
    ]);
    assert_eq!(code(&run_in(dir.path(), &[])), 1);
}

#[test]
fn an_invalid_glob_is_a_config_error() {
    let dir = package(&[
        ("panicfree.toml", "[scope]\nexclude = [\"src/[\"]\n"),
        ("src/lib.rs", UNWRAP),
    ]);
    let err = one_line_error(&run_in(dir.path(), &[]));
    assert!(err.contains("scope.exclude[0]"), "{err}");
}

#[test]
fn layer_may_use_must_name_a_layer() {
    let dir = package(&[
        (
            "panicfree.toml",
            "[[layer]]\nname = \"core\"\nmodules = [\"demo\"]\nmay_use = [\"infar\"]\n[[layer]]\nname = \"infra\"\nmodules = [\"demo::infra\"]\n",
        ),
        ("src/lib.rs", UNWRAP),
    ]);
    let err = one_line_error(&run_in(dir.path(), &[]));
    assert!(
        err.contains("unknown layer `infar`, did you mean `infra`?"),
        "{err}"
    );
}

const ATTRIBUTES: &str = "#![allow(clippy::indexing_slicing)]\n\
    #[allow(clippy::unwrap_used)]\n\
    pub fn f(o: Option<u8>) -> u8 { o.unwrap() }\n\
    #[expect(clippy::expect_used, reason = \"set in new()\")]\n\
    pub fn g(o: Option<u8>, v: &[u8]) -> u8 { o.expect(\"set\") + v[0] }\n\
    pub mod m;\n";
const CHILD: &str = "pub fn h(v: &[u8]) -> u8 { v[1] }\n";

/// `(rule, justification, justified_by)` of every finding.
fn justifications(out: &std::process::Output) -> Vec<(String, String, String)> {
    json(out)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let text = |k: &str| f[k].as_str().unwrap_or("-").to_owned();
            (text("rule"), text("justification"), text("justified_by"))
        })
        .collect()
}

#[test]
fn clippy_attributes_justify_by_default_with_their_reason_or_as_written() {
    let dir = package(&[("src/lib.rs", ATTRIBUTES), ("src/m.rs", CHILD)]);
    let out = run_in(dir.path(), &["--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let allow = "#![allow(clippy::indexing_slicing)]";
    assert_eq!(
        justifications(&out),
        [
            (
                "unwrap".into(),
                "#[allow(clippy::unwrap_used)]".into(),
                "attribute-without-reason".into()
            ),
            ("expect".into(), "set in new()".into(), "attribute".into()),
            (
                "indexing".into(),
                allow.into(),
                "attribute-without-reason".into()
            ),
            // The crate's inner attribute covers the module's file too.
            (
                "indexing".into(),
                allow.into(),
                "attribute-without-reason".into()
            ),
        ]
    );
}

#[test]
fn clippy_attributes_can_be_turned_off_or_required_to_give_a_reason() {
    let off = package(&[
        (
            "panicfree.toml",
            "[justification]\nclippy_attributes = false\n",
        ),
        ("src/lib.rs", ATTRIBUTES),
        ("src/m.rs", CHILD),
    ]);
    let out = run_in(off.path(), &["--format", "json"]);
    assert_eq!(code(&out), 1);
    assert!(justifications(&out).iter().all(|(_, j, _)| j == "-"));

    let reasons = package(&[
        (
            "panicfree.toml",
            "[justification]\nclippy_attributes_need_reason = true\n",
        ),
        ("src/lib.rs", ATTRIBUTES),
        ("src/m.rs", CHILD),
    ]);
    let out = run_in(reasons.path(), &["--format", "json"]);
    assert_eq!(code(&out), 1);
    let justified: Vec<_> = justifications(&out)
        .into_iter()
        .filter(|(_, j, _)| j != "-")
        .collect();
    assert_eq!(
        justified,
        [("expect".into(), "set in new()".into(), "attribute".into())]
    );
}

#[test]
fn debug_only_code_is_out_of_scope_unless_configured() {
    let src = "#[cfg(debug_assertions)]\npub fn f(o: Option<u8>) -> u8 { o.unwrap() }\n";
    let default = package(&[("src/lib.rs", src)]);
    assert_eq!(code(&run_in(default.path(), &[])), 0);
    let included = package(&[
        (
            "panicfree.toml",
            "[scope]\ninclude_debug_assertions = true\n",
        ),
        ("src/lib.rs", src),
    ]);
    assert_eq!(code(&run_in(included.path(), &[])), 1);
}

// [package.metadata.panicfree] of a single-package workspace root is read like [workspace.metadata.panicfree].
#[test]
fn package_metadata_of_a_single_package_root_is_read() {
    let dir = package(&[
        (
            "Cargo.toml",
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[package.metadata.panicfree.rules]\nunwrap = \"warn\"\n",
        ),
        ("src/lib.rs", UNWRAP),
    ]);
    let out = run_in(dir.path(), &["--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["findings"][0]["severity"], "warning");
}

// Package and workspace metadata at once, or package metadata with panicfree.toml, is an error naming the line.
#[test]
fn package_metadata_beside_another_config_is_an_error() {
    let manifest = "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n\n[workspace.metadata.panicfree.rules]\nunwrap = \"allow\"\n\n[package.metadata.panicfree.rules]\nunwrap = \"warn\"\n";
    let dir = package(&[("Cargo.toml", manifest), ("src/lib.rs", UNWRAP)]);
    let err = one_line_error(&run_in(dir.path(), &[]));
    assert!(err.contains("Cargo.toml:11:"), "{err}");
    assert!(err.contains("given twice"), "{err}");

    let manifest = "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[package.metadata.panicfree]\nrules = { unwrap = \"warn\" }\n";
    let dir = package(&[
        ("Cargo.toml", manifest),
        ("panicfree.toml", "[rules]\nunwrap = \"allow\"\n"),
        ("src/lib.rs", UNWRAP),
    ]);
    let err = one_line_error(&run_in(dir.path(), &[]));
    assert!(err.contains("Cargo.toml:6:"), "{err}");
    assert!(
        err.contains("given twice") && err.contains("panicfree.toml"),
        "{err}"
    );
}

// In a workspace of several members, the root package's [package.metadata.panicfree] would read as one package's: an error.
#[test]
fn package_metadata_of_a_root_with_members_is_an_error() {
    let dir = package(&[
        (
            "Cargo.toml",
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\nmembers = [\"m\"]\n\n[package.metadata.panicfree.rules]\nunwrap = \"warn\"\n",
        ),
        ("src/lib.rs", UNWRAP),
        (
            "m/Cargo.toml",
            "[package]\nname = \"m\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("m/src/lib.rs", UNWRAP),
    ]);
    let err = one_line_error(&run_in(dir.path(), &[]));
    assert!(err.contains("Cargo.toml:9:"), "{err}");
    assert!(err.contains("[workspace.metadata.panicfree]"), "{err}");
}

// Every kind of config error names its line: unknown key, bad value, bad glob, bad layer, a layer module that does not exist.
#[test]
fn every_config_error_names_its_line() {
    let cases: &[(&str, &str)] = &[
        ("[scope]\n\nincldue_tests = true\n", "panicfree.toml:3:"),
        ("[rules]\nassert = \"warn\"\nunwrap = \"off\"\n", "panicfree.toml:3:"),
        ("[rules]\nassert = \"warn\"\nunwarp = \"deny\"\n", "panicfree.toml:3:"),
        ("[scope]\nexclude = [\n  \"ok/**\",\n  \"src/[\",\n]\n", "panicfree.toml:4:"),
        ("[justification]\nmarkers = [\"PANIC:\", \" \"]\n", "panicfree.toml:2:"),
        ("[justification]\nrules = [\n  \"expect\",\n  \"layer-violation\",\n]\n", "panicfree.toml:4:"),
        (
            "[[layer]]\nname = \"a\"\nmodules = [\"demo::a\"]\n\n[[layer]]\nname = \"a\"\nmodules = [\"demo::b\"]\n",
            "panicfree.toml:6:",
        ),
        (
            "[[layer]]\nname = \"a\"\nmodules = [\"demo\"]\nmay_use = [\"infar\"]\n",
            "panicfree.toml:4:",
        ),
        (
            "[[layer]]\nname = \"a\"\nmodules = [\"demo\"]\n\n[[layer]]\nname = \"b\"\nmodules = [\n  \"demo::x\",\n  \"demo::nowhere\",\n]\n",
            "panicfree.toml:9:",
        ),
    ];
    for (config, location) in cases {
        let dir = package(&[
            ("panicfree.toml", config),
            ("src/lib.rs", "pub mod x;\n"),
            ("src/x.rs", UNWRAP),
        ]);
        let err = one_line_error(&run_in(dir.path(), &[]));
        assert!(err.contains(location), "{config}\n=> {err}");
    }
}

// A config error in [workspace.metadata.panicfree] found by validation names the manifest's line and the full key.
#[test]
fn a_validation_error_in_workspace_metadata_names_the_manifest_line() {
    let dir = package(&[
        (
            "Cargo.toml",
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n\n[workspace.metadata.panicfree.rules]\nunwarp = \"deny\"\n",
        ),
        ("src/lib.rs", UNWRAP),
    ]);
    let err = one_line_error(&run_in(dir.path(), &[]));
    assert!(
        err.contains("Cargo.toml:9: `workspace.metadata.panicfree.rules.unwarp`"),
        "{err}"
    );
}

// A layer module that does not exist, configured in the manifest, names the manifest's line of that entry.
#[test]
fn a_missing_layer_module_in_the_manifest_names_its_line() {
    let dir = package(&[
        (
            "Cargo.toml",
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[[package.metadata.panicfree.layer]]\nname = \"core\"\nmodules = [\n  \"demo\",\n  \"demo::nowhere\",\n]\n",
        ),
        ("src/lib.rs", UNWRAP),
    ]);
    let err = one_line_error(&run_in(dir.path(), &[]));
    assert!(
        err.contains("Cargo.toml:10: `package.metadata.panicfree.layer[0].modules[1]`"),
        "{err}"
    );
    assert!(err.contains("demo::nowhere"), "{err}");
}
