//! The wording of every user-facing text of the detector: rule explanations
//! (`rules/cn/*.toml`), the advice and reason texts (`advice/cn/*.toml`), the norm
//! sources quoted by the pattern findings (`rules/cn/thresholds.toml`) and the
//! sentences written in the code (`src/lib.rs`, `src/patterns.rs`, `src/check.rs`).
//!
//! The only source of legal truth is `shared/reference/legal-cn.md`: nothing may be
//! stated as law that it does not hold, nothing may overstate ("构成……罪" without
//! "可能", "一定是诈骗", "违法" as a finding), industry rules are "据公开报道" and
//! "行业自律规范", 银保监会 is never a current body, and what real courts or the police
//! "never do" is advice to verify (拨打12368, 110), not a claim.

use std::path::{Path, PathBuf};

use regex::Regex;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Articles the texts may name: each is VERIFIED in `shared/reference/legal-cn.md`.
/// Add one only after checking it there.
const ALLOWED_ARTICLES: &[&str] = &["民法典第一千零二十四条", "民法典第一千零三十七条"];

/// Hotlines the texts may name: each is in `shared/reference/formats.md` §4.2 or
/// `legal-cn.md` §8.
const ALLOWED_HOTLINES: &[&str] =
    &["12368", "12378", "12321", "12381", "12348", "12377", "12309", "12345", "12315", "12329"];

/// `(pattern, why)`: phrases that overstate or state law the reference does not hold.
fn forbidden() -> Vec<(Regex, &'static str)> {
    [
        (r"(一定|肯定|必定|绝对|显然|就)是(诈骗|骗局|骗子)", "states a scam as certain; say 很可能"),
        (r"(基本)?可以认定", "a finding is the user's or a court's, not ours"),
        (r"(一定|肯定|属于|已经|已|是)违法", "违法 as a finding; say 可能违反"),
        (r"已(经)?构成", "states an offence as committed"),
        (r"构成(侮辱|诽谤)", "reads as 侮辱罪/诽谤罪 without their 公然/情节严重 threshold"),
        (r"(侮辱|诽谤|寻衅滋事|催收非法债务|敲诈勒索|侵犯公民个人信息)罪", "names a crime whose threshold or scope the detector cannot know"),
        (r"真正的?(法院|公安|警察|司法|检察|公检法|法官)", "asserts what real authorities do; give a way to verify instead"),
        (r"(法院|公安|公检法|司法机关|警方|检察院|警察|正规机构|正规平台|快递公司|银行和支付平台)[^。；]{0,10}(不会|从不|绝不|从来不)", "asserts what institutions never do; give a way to verify instead"),
        (r"只有(收到)?法院", "asserts a legal procedure the reference does not hold"),
        (r"只能由法院", "asserts a legal competence the reference does not hold"),
        (r"一般来自\s?12368", "12368 is one channel, not a test of genuineness (formats.md)"),
        (r"不负(还款)?责任", "asserts civil liability the reference does not hold"),
        (r"一般是民事纠纷", "a legal characterisation the reference does not hold"),
        (r"无权", "asserts a legal competence the reference does not hold"),
        (r"不会因此(坐牢|影响征信)", "a legal or factual promise the reference does not hold"),
        (r"不能花钱修复", "a factual claim the reference does not hold"),
        (r"应当只找", "overstates the industry rule (contact is allowed when the debtor is unreachable)"),
    ]
    .into_iter()
    .map(|(p, why)| (Regex::new(p).unwrap(), why))
    .collect()
}

/// The problems of one text, empty when it is fine.
fn problems(text: &str, industry_label_needed: bool) -> Vec<String> {
    let mut out = Vec::new();
    for (re, why) in forbidden() {
        if let Some(m) = re.find(text) {
            out.push(format!("“{}”: {why}", m.as_str()));
        }
    }
    // 构成……罪 only after 可能 / 涉嫌 / 达到.
    let crime = Regex::new(r"构成[^。；，]{0,12}罪").unwrap();
    for m in crime.find_iter(text) {
        let before: String =
            text[..m.start()].chars().rev().take(8).collect::<Vec<_>>().into_iter().rev().collect();
        if !["可能", "涉嫌", "达到"].iter().any(|w| before.contains(w)) {
            out.push(format!("“{}” without 可能/涉嫌", m.as_str()));
        }
    }
    // 银保监会 only as the former body.
    for (i, _) in text.match_indices("银保监") {
        if !text[..i].ends_with('原') {
            out.push(
                "银保监会 named as a current body (it is 国家金融监督管理总局（原银保监会）)"
                    .into(),
            );
        }
    }
    let article = Regex::new(r"(民法典|个人信息保护法|治安管理处罚法|刑法|民事诉讼法)?第[一二三四五六七八九十百千零〇\d]+条").unwrap();
    for m in article.find_iter(text) {
        if !ALLOWED_ARTICLES.contains(&m.as_str()) {
            out.push(format!(
                "article “{}” is not in the checked list (legal-cn.md VERIFIED)",
                m.as_str()
            ));
        }
    }
    let hotline = Regex::new(r"(^|[^\d])(12\d{3})([^\d]|$)").unwrap();
    for c in hotline.captures_iter(text) {
        let n = c.get(2).unwrap().as_str();
        if !ALLOWED_HOTLINES.contains(&n) {
            out.push(format!("hotline {n} is not in formats.md / legal-cn.md"));
        }
    }
    // A text that reports what the guidance says (not one that only names its members).
    if (text.contains("中国银行业协会") || text.contains("中银协")) && text.contains("指引")
    {
        if !text.contains("据公开报道") {
            out.push(
                "the 中国银行业协会 guidance is known from press reports: say 据公开报道".into(),
            );
        }
        if industry_label_needed && !text.contains("行业自律规范") {
            out.push("the 中国银行业协会 guidance must be called 行业自律规范".into());
        }
    }
    out
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    v.sort();
    v
}

/// Every string in `v` (all of them when `keys` is None, else those under one of `keys`).
fn strings(v: &toml::Value, keys: Option<&[&str]>, under_key: bool, out: &mut Vec<String>) {
    match v {
        toml::Value::String(s) if under_key || keys.is_none() => out.push(s.clone()),
        toml::Value::Array(a) => a.iter().for_each(|x| strings(x, keys, under_key, out)),
        toml::Value::Table(t) => {
            for (k, x) in t {
                let hit = keys.is_none_or(|ks| ks.contains(&k.as_str()));
                strings(x, keys, hit, out);
            }
        }
        _ => {}
    }
}

/// `(where, text, needs the 行业自律规范 label)` for every user-facing text.
fn all_texts() -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    let dir = crate_dir();
    for p in toml_files(&dir.join("rules/cn")) {
        let v: toml::Value = toml::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let mut s = Vec::new();
        if name == "thresholds.toml" {
            strings(&v, None, true, &mut s);
            out.extend(s.into_iter().map(|t| (name.clone(), t, false)));
        } else {
            strings(&v, Some(&["explanation", "explanation_no_debt"]), false, &mut s);
            out.extend(s.into_iter().map(|t| (name.clone(), t, true)));
        }
    }
    for p in toml_files(&dir.join("advice/cn")) {
        let v: toml::Value = toml::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let mut s = Vec::new();
        strings(&v, None, true, &mut s);
        out.extend(s.into_iter().map(|t| (name.clone(), t, true)));
    }
    // Sentences in the code (string literals with Chinese, outside the unit tests).
    let lit = Regex::new(r#""((?:[^"\\]|\\.)*)""#).unwrap();
    let han = Regex::new(r"\p{Han}{4,}").unwrap();
    for f in ["src/lib.rs", "src/patterns.rs", "src/check.rs"] {
        let src = std::fs::read_to_string(dir.join(f)).unwrap();
        let code = src.split("#[cfg(test)]").next().unwrap();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for c in lit.captures_iter(line) {
                let s = c.get(1).unwrap().as_str();
                if han.is_match(s) {
                    out.push((f.to_string(), s.to_string(), true));
                }
            }
        }
    }
    out
}

#[test]
fn no_user_facing_text_overstates_or_states_unverified_law() {
    let texts = all_texts();
    // The scan must see the files: explanations of every rule file and the advice.
    assert!(texts.len() > 80, "only {} texts found", texts.len());
    assert!(texts.iter().any(|(f, _, _)| f == "check.toml"));
    assert!(texts.iter().any(|(f, _, _)| f == "src/lib.rs"));
    let mut bad = Vec::new();
    for (f, t, label) in &texts {
        for p in problems(t, *label) {
            bad.push(format!("{f}: {p}\n    {t}"));
        }
    }
    assert!(bad.is_empty(), "{} wording problems:\n{}", bad.len(), bad.join("\n"));
}

#[test]
fn the_checker_catches_the_reviewers_examples() {
    for bad in [
        "真正的法院短信一般来自12368。",
        "只有法院判决后仍不履行，才会被法院列为失信被执行人。",
        "没有签过担保的家人、朋友、紧急联系人，一般不负还款责任。",
        "公安机关不会通过短信通知办案。",
        "催收时辱骂、贬低人格，可能构成侮辱。",
        "这种做法构成寻衅滋事罪。",
        "对方的行为构成犯罪罪名之一的诈骗罪。",
        "这一定是诈骗。",
        "可以拨打银保监会12378投诉。",
        "这属于违法催收。",
        "可能违反治安管理处罚法第四十二条。",
        "请拨打12399核实。",
        "据报道，中国银行业协会的指引禁止夜间催收。",
    ] {
        assert!(!problems(bad, true).is_empty(), "not caught: {bad}");
    }
    for good in [
        "是否真有案件，可以自己拨打12368或登录法院官网核实。",
        "辱骂、贬低人格，可能侵害名誉权（民法典第一千零二十四条）；也可能违反治安管理处罚法。",
        "达到“情节严重”的，可能构成犯罪。",
        "可以向国家金融监督管理总局（原银保监会）12378投诉。",
        "据公开报道，中国银行业协会的催收工作指引（行业自律规范，不是法律）原则上禁止向无关第三人催收。",
    ] {
        assert!(problems(good, true).is_empty(), "flagged: {good}: {:?}", problems(good, true));
    }
}
