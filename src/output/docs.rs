//! The parts of a rule's documentation (`src/rules/<id>.md`, one text for README,
//! `explain` and SARIF) that the renderers show on their own.

use crate::api::Rule;

/// The documentation without its `# \`id\`` title line.
pub fn body(rule: &dyn Rule) -> &'static str {
    let docs = rule.docs();
    match docs.split_once('\n') {
        Some((title, rest)) if title.starts_with('#') => rest.trim_start_matches('\n'),
        _ => docs,
    }
}

/// The first paragraph of the body (the `**Flags**` paragraph) as one line of plain
/// text: what the rule flags and its default.
pub fn flags(rule: &dyn Rule) -> String {
    body(rule)
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
        .replace("**", "")
}

#[cfg(test)]
mod tests {
    use super::{body, flags};
    use crate::api::RuleId;
    use crate::rules;

    #[test]
    fn body_drops_the_title_and_flags_is_the_first_paragraph() {
        let rule = rules::get(RuleId::ParseError).expect("registered");
        assert!(body(rule).starts_with("**Flags** a file that is not valid UTF-8"));
        let flags = flags(rule);
        assert!(flags.starts_with("Flags a file that is not valid UTF-8, does not parse,"));
        assert!(flags.ends_with("it cannot be configured away."), "{flags}");
        assert!(!flags.contains('\n'));
    }
}
