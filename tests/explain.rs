//! `cargo panicfree rules` and `cargo panicfree explain RULE`: the rule docs of
//! `src/rules/*.md`, the same text README and SARIF show.

mod common;

use common::Bounded;

use cargo_panicfree::api::RuleKind;
use cargo_panicfree::rules::ALL;
use common::{bin, code, stderr, stdout};

fn run(args: &[&str]) -> std::process::Output {
    bin().args(args).output_bounded().expect("binary runs")
}

#[test]
fn rules_lists_every_rule_with_its_default_and_justification() {
    let out = run(&["panicfree", "rules"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    insta::assert_snapshot!("rules", text);
    for rule in ALL {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(rule.id().as_str()))
            .unwrap_or_else(|| panic!("{} is listed", rule.id()));
        let level = rule.default_level().severity().expect("on").as_str();
        assert!(line.contains(level), "{line}");
        assert!(line.ends_with(rule.summary()), "{line}");
        if rule.kind() == RuleKind::Site {
            let expected = if rule.accepts_justification() {
                " accepted "
            } else {
                " not accepted "
            };
            assert!(line.contains(expected), "{line}");
        }
    }
    assert_eq!(stdout(&run(&["rules"])), text, "without cargo's word too");
}

#[test]
fn explain_prints_the_rule_docs() {
    for rule in ALL {
        let out = run(&["panicfree", "explain", rule.id().as_str()]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert_eq!(stdout(&out), rule.docs());
    }
}

#[test]
fn explain_an_unknown_rule_exits_two_and_suggests() {
    let out = run(&["panicfree", "explain", "unwarp"]);
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        "error: unknown rule `unwarp`, did you mean `unwrap`? (`cargo panicfree rules` lists them)\n"
    );
    assert_eq!(code(&run(&["panicfree", "explain"])), 2, "RULE is required");
}
