//! Guards on what the program says about the law.
//!
//! These are used by the data checks of this crate and are public so that the document
//! layer can run the same checks on what it renders.

/// Names of the banking and insurance regulator that no longer exists (legal-cn.md §8.0).
/// `国家金融监督管理总局` replaced it in 2023; the old name may appear only as history,
/// written with the prefix `原` (e.g. `国家金融监督管理总局（原银保监会）`).
const DEFUNCT_REGULATORS: [&str; 5] = [
    "中国银行保险监督管理委员会",
    "银行保险监督管理委员会",
    "银保监会",
    "中国银行业监督管理委员会",
    "银监会",
];

/// Whether `text` names a defunct regulator (银保监会, 银监会) as if it still existed.
///
/// Every occurrence must be preceded by `原` or `原中国`, the way the reference writes
/// historical names. Anything else is reported.
pub fn names_defunct_regulator_as_current(text: &str) -> bool {
    DEFUNCT_REGULATORS.iter().any(|name| {
        text.match_indices(name).any(|(at, _)| {
            let before = &text[..at];
            !(before.ends_with('原') || before.ends_with("原中国"))
        })
    })
}

/// Phrases that state a legal conclusion only an authority can reach.
const OVERSTATEMENTS: [&str; 6] =
    ["已构成", "一定违法", "必然构成", "肯定违法", "已经犯罪", "就是犯罪"];

/// Whether `text` states a conclusion as certain ("已构成…罪", "一定违法"…).
///
/// The program may only say what a practice *may* engage ("可能违反", "涉嫌", "可能构成");
/// whether it does is for the police, a regulator or a court.
pub fn overstates(text: &str) -> bool {
    OVERSTATEMENTS.iter().any(|p| text.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn historical_names_pass_current_names_fail() {
        assert!(!names_defunct_regulator_as_current("国家金融监督管理总局（原银保监会）"));
        assert!(!names_defunct_regulator_as_current("原中国银行保险监督管理委员会发布"));
        assert!(!names_defunct_regulator_as_current("原中国银监会2011年发布"));
        assert!(names_defunct_regulator_as_current("拨打银保监会12378热线"));
        assert!(names_defunct_regulator_as_current("向中国银监会投诉"));
        assert!(names_defunct_regulator_as_current("原银保监会，现银保监会"));
    }

    #[test]
    fn overstatement_is_caught() {
        assert!(overstates("这已构成侵犯公民个人信息罪"));
        assert!(!overstates("达到情节严重的，可能构成侵犯公民个人信息罪"));
    }
}
