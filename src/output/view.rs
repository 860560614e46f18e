//! Which findings the formats meant for people show (`human`, `short`, `github`):
//! never the baselined ones (a baseline is there so that only new findings are
//! shown). The machine formats (`json`, `sarif`) always carry every finding, marked.

use crate::engine::report::Finding;

/// What a person asked to leave out of the report; the summary still counts it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct View {
    /// `--hide-justified`: leave out findings a justification excuses.
    pub hide_justified: bool,
}

impl View {
    pub fn shows(self, finding: &Finding) -> bool {
        let hidden = self.hide_justified && finding.justification.is_some();
        !finding.baselined && !hidden
    }
}
