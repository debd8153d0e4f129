//! The report's sections, written with [`Html`] so that every input string is
//! escaped.

use std::collections::{BTreeMap, BTreeSet};

use anjing_model::time::display;
use anjing_model::{CallResult, Direction, Practice, RecordKind};
use jiff::Timestamp;

use crate::analysis::{Analysis, Local, WEEKDAYS_ZH};
use crate::highlight::{span_text, write_highlighted};
use crate::html::Html;
use crate::{FindingRow, FindingStatus, RecordRow, ReportInput, charts};

/// The Content-Security-Policy of the page: nothing may load or run.
pub(crate) const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
                              base-uri 'none'; form-action 'none'";

const CSS: &str = r#"
:root{color-scheme:light}
*{box-sizing:border-box;-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{font-family:"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif;line-height:1.6;color:#1a1a1a;background:#fff;margin:0 auto;max-width:960px;padding:12px;font-size:16px;overflow-wrap:anywhere}
h1{font-size:1.5em;margin:.2em 0 .4em}
h2{font-size:1.25em;border-bottom:2px solid #333;padding-bottom:.15em;margin:1.8em 0 .6em}
h3{font-size:1.08em;margin:1.2em 0 .4em}
p{margin:.4em 0}
a{color:#1a4f8b}
.privacy{background:#eef7ee;border:1px solid #8bbf8b;padding:.5em .8em;border-radius:6px}
.calm{background:#f3f6fb;border-left:4px solid #2b6cb0;padding:.5em .8em}
.muted{color:#555;font-size:.9em}
.toc{font-size:.95em}
.toc a{display:inline-block;margin:.1em .6em .1em 0}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:8px;margin:.6em 0}
.card{border:1px solid #ccc;border-radius:6px;padding:.4em .7em}
.card b{display:block;font-size:1.45em;line-height:1.3}
.todo{border:3px solid #b7312c;background:#fff6f5;padding:.5em 1em;border-radius:8px;margin:1em 0}
.todo h3{margin:.2em 0;color:#b7312c}
.todo li{margin:.25em 0}
figure{margin:1em 0;break-inside:avoid}
figcaption{font-weight:bold;margin-bottom:.3em}
svg.chart{width:100%;height:auto;display:block;max-width:720px;min-width:600px;font-family:inherit}
table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{border:1px solid #ccc;padding:.3em .4em;text-align:left;vertical-align:top}
.scroll{overflow-x:auto}
.mono,code{font-family:ui-monospace,SFMono-Regular,Consolas,"Liberation Mono",monospace}
.mono{word-break:break-all}
mark{background:#ffe066;color:inherit;padding:0 1px;border-bottom:2px solid #b7312c}
.num-card,.finding,.artifact{border:1px solid #ccc;border-radius:6px;padding:.5em .8em;margin:.6em 0;break-inside:avoid}
.num-card.flagged{border-color:#b7312c}
.flag{display:inline-block;font-size:.8em;background:#b7312c;color:#fff;border-radius:10px;padding:0 .55em;margin-left:.3em}
.night{display:inline-block;font-size:.8em;background:#1f2d4d;color:#fff;border-radius:10px;padding:0 .55em;margin-left:.3em}
.tag.ok{border-color:#5a9a5a;color:#2f6b2f}
.tag{display:inline-block;font-size:.8em;border:1px solid #b7312c;color:#b7312c;border-radius:10px;padding:0 .55em;margin:.15em .25em 0 0;text-decoration:none}
.status{display:inline-block;font-size:.8em;border-radius:10px;padding:0 .55em;margin-left:.4em;border:1px solid #888}
.status.confirmed{background:#e6f4e6;border-color:#5a9a5a}
.status.rejected{background:#eee}
.finding.rejected{color:#555;border-style:dashed}
.quote{background:#fff8d6;padding:0 .2em}
.law{margin:.3em 0;padding-left:1.2em}
.law li{margin:.35em 0}
.flag,.night,.tag,.status,.conf{white-space:nowrap}
.conf{font-size:.8em;background:#eef;border-radius:8px;padding:0 .5em;margin-left:.3em}
.day{background:#f0f0f0;padding:.2em .5em;border-radius:4px;break-after:avoid}
ol.records{padding:0;margin:0}
.rec{list-style:none;border-left:4px solid #ccc;padding:.25em .6em;margin:.45em 0;break-inside:avoid}
.rec.flagged{border-left-color:#b7312c}
.rec .meta{font-size:.92em}
.rec .time{font-weight:bold;margin-right:.4em}
.rec .text{white-space:pre-wrap;unicode-bidi:isolate;margin:.2em 0}
.rec .text.long{max-height:none}
footer{margin-top:2em;border-top:1px solid #ccc;padding-top:.5em}
@page{size:A4;margin:14mm 12mm}
@media print{
 body{max-width:none;padding:0;font-size:10.5pt}
 svg.chart{min-width:0}
 .toc{display:none}
 a{color:inherit;text-decoration:none}
 h2,h3{break-after:avoid}
 .todo,.finding,.rec,figure,.num-card,.artifact{break-inside:avoid}
 .todo{border-width:2px}
}
"#;

fn dt(ts: Timestamp) -> String {
    display(ts)
}

fn unit_zh(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Call => "次",
        RecordKind::Recording => "段",
        RecordKind::Image => "张",
        _ => "条",
    }
}

/// What happened, from the contributor's side: 来电, 发出短信…
fn what_zh(r: &RecordRow) -> &'static str {
    match (r.kind, r.direction) {
        (RecordKind::Call, Direction::In) => "来电",
        (RecordKind::Call, Direction::Out) => "打出的电话",
        (RecordKind::Call, Direction::Unknown) => "通话",
        (RecordKind::Sms, Direction::In) => "收到短信",
        (RecordKind::Sms, Direction::Out) => "发出短信",
        (RecordKind::Sms, Direction::Unknown) => "短信",
        (RecordKind::Mms, Direction::In) => "收到彩信",
        (RecordKind::Mms, Direction::Out) => "发出彩信",
        (RecordKind::Mms, Direction::Unknown) => "彩信",
        (k, _) => k.name_zh(),
    }
}

fn duration_zh(s: u64) -> String {
    let (h, m, s) = (s / 3600, s / 60 % 60, s % 60);
    match (h, m) {
        (0, 0) => format!("{s}秒"),
        (0, _) => format!("{m}分{s}秒"),
        _ => format!("{h}小时{m}分{s}秒"),
    }
}

fn number_shown(number: &str) -> &str {
    if number.trim().is_empty() { "（无号码）" } else { number }
}

/// `李梅（母亲）`, or just the name when the relation adds nothing.
fn who(input: &ReportInput, name: &str) -> String {
    match input.contributors.iter().find(|c| c.name == name) {
        Some(c) if !c.relation.is_empty() && c.relation != c.name => {
            format!("{}（{}）", c.name, c.relation)
        }
        _ if name.is_empty() => "（未注明）".to_string(),
        _ => name.to_string(),
    }
}

fn day_heading(l: &Local) -> String {
    format!("{}年{}月{}日 {}", l.year, l.month, l.dom, WEEKDAYS_ZH[usize::from(l.weekday) % 7])
}

pub(crate) fn render(input: &ReportInput) -> String {
    let a = Analysis::new(input);
    let mut h = Html::with_capacity(64 * 1024 + input.records.len() * 600);
    h.raw("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n")
        .raw("<meta http-equiv=\"Content-Security-Policy\" content=\"")
        .raw(CSP)
        .raw("\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .raw("<meta name=\"referrer\" content=\"no-referrer\">\n<title>")
        .text(&input.case_title)
        .raw(" — 催收记录报告</title>\n<style>")
        .raw(CSS)
        .raw("</style>\n</head>\n<body>\n");
    header(&mut h, input);
    overview(&mut h, input, &a);
    charts_section(&mut h, input, &a);
    numbers(&mut h, input, &a);
    findings(&mut h, input, &a);
    timeline(&mut h, input, &a);
    problems(&mut h, input);
    integrity(&mut h, input);
    h.raw("<footer class=\"muted\"><p>本报告由安静（Anjing）生成，只整理事实，不是律师意见。")
        .raw("需要法律帮助时，可以拨打 12348 公共法律服务热线。</p><p>识别规则版本：")
        .text(&input.rules_version)
        .raw("</p></footer>\n</body>\n</html>\n");
    h.finish()
}

fn header(h: &mut Html, input: &ReportInput) {
    h.raw("<header>\n<h1>").text(&input.case_title).raw("：催收记录报告</h1>\n");
    h.raw("<p class=\"privacy\">本报告由安静（Anjing）在本机生成，未上传任何数据。</p>\n");
    h.raw("<p>生成时间：")
        .text(&dt(input.generated_at))
        .raw("（北京时间）　识别规则版本：<span class=\"mono\">")
        .text(&input.rules_version)
        .raw("</span></p>\n");
    h.raw(
        "<p class=\"calm\">欠钱是民事纠纷，不是犯罪。催收的人也必须守法：不能威胁、辱骂，\
         不能骚扰你的家人朋友，不能冒充法院或警察。这份报告把对方做过的事按时间整理好，\
         你可以拿它去投诉、报警或交给律师。</p>\n",
    );
    h.raw("<nav class=\"toc\"><a href=\"#overview\">概况</a><a href=\"#charts\">图表</a>")
        .raw("<a href=\"#numbers\">号码</a><a href=\"#findings\">发现的问题</a>")
        .raw("<a href=\"#timeline\">时间线</a><a href=\"#problems\">导入问题</a>")
        .raw("<a href=\"#integrity\">证据完整性</a></nav>\n</header>\n");
}

fn card(h: &mut Html, value: &str, label: &'static str) {
    h.raw("<div class=\"card\"><b>").text(value).raw("</b>").raw(label).raw("</div>");
}

fn overview(h: &mut Html, input: &ReportInput, a: &Analysis) {
    h.raw("<section id=\"overview\">\n<h2>概况</h2>\n");

    // What to do now comes first: it is what a frightened reader needs.
    h.raw("<div class=\"todo\"><h3>现在该做什么</h3><ol>");
    if input.next_steps.is_empty() {
        h.raw("<li>保存好这份报告，不要删除手机里的短信和通话记录。</li>")
            .raw("<li>不要回复威胁短信，不要向陌生的个人账户转账。</li>")
            .raw("<li>如果有人说要上门伤害你或家人，马上拨打 110。</li>");
    }
    for s in &input.next_steps {
        h.raw("<li>").text(s).raw("</li>");
    }
    h.raw("</ol></div>\n");

    let abusive: usize = a.practices.iter().filter(|(p, _)| p.is_abusive()).map(|(_, n)| *n).sum();
    let flagged_numbers = a.numbers.iter().filter(|n| n.flagged).count();
    h.raw("<div class=\"cards\">");
    card(h, &input.records.len().to_string(), "条记录");
    card(h, &a.collection_messages.to_string(), "条短信被认出是催收");
    card(h, &abusive.to_string(), "处违规问题");
    card(h, &flagged_numbers.to_string(), "个号码有问题");
    card(h, &a.numbers.len().to_string(), "个号码联系过你们");
    card(h, &a.reached.len().to_string(), "位亲友被联系到");
    h.raw("</div>\n");

    h.raw("<p><b>时间范围：</b>");
    match (a.first, a.last) {
        (Some(f), Some(l)) => {
            h.text(&dt(f)).raw(" 至 ").text(&dt(l)).raw("（北京时间）");
        }
        _ => {
            h.raw("没有带时间的记录");
        }
    }
    h.raw("</p>\n<p><b>记录：</b>");
    if a.kinds.is_empty() {
        h.raw("没有记录。");
    }
    for (i, (k, n)) in a.kinds.iter().enumerate() {
        if i > 0 {
            h.raw("，");
        }
        h.raw(k.name_zh()).raw(" ").int(*n as i128).raw(" ").raw(unit_zh(*k));
    }
    h.raw("</p>\n");

    h.raw("<h3>发现的问题</h3>\n");
    if a.practices.is_empty() {
        h.raw("<p>没有识别出问题。</p>\n");
    } else {
        h.raw("<ul>");
        for p in practice_order() {
            let Some(n) = a.practices.get(&p) else { continue };
            h.raw("<li><a")
                .attr("href", &format!("#p-{}", p.code()))
                .raw(">")
                .raw(p.name_zh())
                .raw("</a>：")
                .int(*n as i128)
                .raw(if p.is_abusive() {
                    " 处</li>"
                } else {
                    " 条（这类不算违规）</li>"
                });
        }
        h.raw("</ul>\n");
    }

    h.raw("<h3>提供证据的人</h3>\n<ul>");
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &input.records {
        *names.entry(r.contributor.as_str()).or_insert(0) += 1;
    }
    let mut listed: BTreeSet<&str> = BTreeSet::new();
    for c in &input.contributors {
        listed.insert(c.name.as_str());
        contributor_line(h, input, a, &c.name, names.get(c.name.as_str()).copied().unwrap_or(0));
    }
    for (name, n) in &names {
        if !listed.contains(name) {
            contributor_line(h, input, a, name, *n);
        }
    }
    h.raw("</ul>\n</section>\n");
}

fn contributor_line(h: &mut Html, input: &ReportInput, a: &Analysis, name: &str, n: usize) {
    h.raw("<li>").text(&who(input, name)).raw("：提供了 ").int(n as i128).raw(" 条记录");
    if a.reached.contains(name) {
        h.raw("；<b>被催收方联系到</b>");
    }
    h.raw("</li>");
}

fn charts_section(h: &mut Html, input: &ReportInput, a: &Analysis) {
    h.raw("<section id=\"charts\">\n<h2>图表</h2>\n");
    h.raw("<p class=\"muted\">图里只算收到的电话、短信和彩信（包括亲友收到的），时间都是北京时间。在手机上可以左右滑动看整张图。</p>\n");
    let Some((title, svg)) = charts::contacts_over_time(input, a) else {
        h.raw("<p>没有带时间的来电或短信，画不出图。</p>\n</section>\n");
        return;
    };
    h.raw("<figure><figcaption>")
        .text(&title)
        .raw("</figcaption><div class=\"scroll\">")
        .append(svg)
        .raw("</div></figure>\n");
    if let Some(svg) = charts::heatmap(input, a) {
        h.raw("<figure><figcaption>一周里每个钟点收到多少次</figcaption><div class=\"scroll\">")
            .append(svg)
            .raw("</div><p class=\"muted\">颜色越深，联系越多。带底色的 22 点到早上 8 点是夜间，")
            .raw("这段时间催收打扰人休息。</p></figure>\n");
    }
    if let Some(svg) = charts::top_numbers(a, 12) {
        h.raw("<figure><figcaption>联系最多的号码</figcaption><div class=\"scroll\">")
            .append(svg)
            .raw("</div></figure>\n");
    }
    h.raw("</section>\n");
}

fn numbers(h: &mut Html, input: &ReportInput, a: &Analysis) {
    h.raw("<section id=\"numbers\">\n<h2>号码</h2>\n");
    if a.numbers.is_empty() {
        h.raw("<p>没有收到过电话或短信的记录。</p>\n</section>\n");
        return;
    }
    h.raw("<p>下面是给你或你的亲友打过电话、发过短信的号码，共 ")
        .int(a.numbers.len() as i128)
        .raw(" 个。标着“有问题”的号码，至少有一条记录被认出了问题，排在前面。")
        .raw("催收方常常换着号码打，同一个人可能用了很多号码。</p>\n");
    for s in &a.numbers {
        h.raw(if s.flagged {
            "<div class=\"num-card flagged\">"
        } else {
            "<div class=\"num-card\">"
        });
        h.raw("<div><b class=\"mono\">").text(number_shown(s.number)).raw("</b>");
        if s.flagged {
            h.raw("<span class=\"flag\">有问题</span>");
        }
        h.raw("</div><div class=\"muted\">").raw(s.class.name_zh());
        let variants: Vec<&&str> = s.raws.iter().filter(|r| **r != s.number).collect();
        if !variants.is_empty() {
            h.raw("　原始写法：");
            for (i, v) in variants.iter().take(10).enumerate() {
                if i > 0 {
                    h.raw("、");
                }
                h.raw("<span class=\"mono\">").text(v).raw("</span>");
            }
            if variants.len() > 10 {
                h.raw(" 等 ").int(variants.len() as i128).raw(" 种");
            }
        }
        h.raw("</div><div>");
        let mut sep = "";
        if s.calls_in > 0 {
            h.raw("来电 ").int(s.calls_in as i128).raw(" 次");
            if s.unanswered > 0 {
                h.raw("（没接通 ").int(s.unanswered as i128).raw(" 次）");
            }
            sep = "，";
        }
        if s.messages_in > 0 {
            h.raw(sep).raw("短信/彩信 ").int(s.messages_in as i128).raw(" 条");
            sep = "，";
        }
        if s.other_in > 0 {
            h.raw(sep).raw("其他记录 ").int(s.other_in as i128).raw(" 条");
        }
        if s.night > 0 {
            h.raw("，其中夜间 ").int(s.night as i128).raw(" 次");
        }
        if s.sent > 0 {
            h.raw("；你们打给或发给它 ").int(s.sent as i128).raw(" 次");
        }
        h.raw("</div>");
        if let (Some(f), Some(l)) = (s.first, s.last) {
            h.raw("<div>第一次：").text(&dt(f)).raw("　最后一次：").text(&dt(l)).raw("</div>");
        }
        h.raw("<div>联系到：");
        for (i, c) in s.contributors.iter().enumerate() {
            if i > 0 {
                h.raw("、");
            }
            h.text(&who(input, c));
        }
        h.raw("</div></div>\n");
    }
    h.raw("</section>\n");
}

fn status_badge(h: &mut Html, s: &FindingStatus) {
    match s {
        FindingStatus::Unreviewed => h.raw("<span class=\"status\">还没核对</span>"),
        FindingStatus::Confirmed => h.raw("<span class=\"status confirmed\">已核对属实</span>"),
        FindingStatus::Rejected { .. } => {
            h.raw("<span class=\"status rejected\">你认为不对</span>")
        }
    };
}

/// A link to a record in the timeline (or plain text when it is not there).
fn record_ref(h: &mut Html, input: &ReportInput, a: &Analysis, id: i64) {
    match a.by_id.get(&id) {
        Some(&i) => {
            let r = &input.records[i];
            h.raw("<a").href_anchor("r", id).raw(">记录 ").int(id);
            if let Some(t) = r.time {
                h.raw("，").text(&dt(t));
            }
            h.raw("，").text(number_shown(&r.number)).raw("</a>");
        }
        None => {
            h.raw("记录 ").int(id).raw("（不在本报告中）");
        }
    }
}

fn finding(h: &mut Html, input: &ReportInput, a: &Analysis, fi: usize, f: &FindingRow) {
    let rejected = !f.status.counts();
    h.raw(if rejected {
        "<article class=\"finding rejected\""
    } else {
        "<article class=\"finding\""
    })
    .id_attr("f", fi as i64)
    .raw("><div><b>")
    .raw(f.practice.name_zh())
    .raw("</b>");
    status_badge(h, &f.status);
    h.raw("</div>\n<p>").text(&f.explanation).raw("</p>\n");
    if let FindingStatus::Rejected { reason } = &f.status
        && !reason.trim().is_empty()
    {
        h.raw("<p>你的理由：").text(reason).raw("</p>\n");
    }
    // The triggering words, quoted.
    let text =
        f.record_id.and_then(|id| a.by_id.get(&id)).and_then(|&i| input.records[i].text.as_deref());
    if let Some(text) = text {
        let marks = crate::highlight::merge_spans(text.chars().count(), &spans_of(f));
        if !marks.is_empty() {
            h.raw("<p>原话：");
            for (i, m) in marks.iter().take(20).enumerate() {
                if i > 0 {
                    h.raw("、");
                }
                h.raw("“<span class=\"quote\">")
                    .text(&charts::truncate_chars(span_text(text, m.start, m.end), 200))
                    .raw("</span>”");
            }
            h.raw("</p>\n");
        }
    }
    let mut ids: Vec<i64> = f.record_id.into_iter().chain(f.record_ids.iter().copied()).collect();
    let mut seen = BTreeSet::new();
    ids.retain(|id| seen.insert(*id));
    if !ids.is_empty() {
        h.raw("<p>相关记录（").int(ids.len() as i128).raw(" 条）：");
        for (i, id) in ids.iter().take(30).enumerate() {
            if i > 0 {
                h.raw("；");
            }
            record_ref(h, input, a, *id);
        }
        if ids.len() > 30 {
            h.raw(" …… 其余 ").int((ids.len() - 30) as i128).raw(" 条见时间线");
        }
        h.raw("</p>\n");
    }
    if !f.legal_bases.is_empty() {
        h.raw("<p>可能涉及的法律规定：</p><ul class=\"law\">");
        for l in &f.legal_bases {
            h.raw("<li><b>")
                .text(&l.citation_zh)
                .raw("</b><span class=\"conf\">")
                .text(&l.confidence_label_zh)
                .raw("</span><br>")
                .text(&l.statement_zh)
                .raw("</li>");
        }
        h.raw("</ul>\n");
    }
    h.raw("<p class=\"muted\">识别规则：<span class=\"mono\">").text(&f.rule).raw("</span></p>\n");
    h.raw("</article>\n");
}

/// Abusive practices first (message, then pattern), the lawful reminder last.
fn practice_order() -> impl Iterator<Item = Practice> {
    Practice::ALL
        .into_iter()
        .filter(|p| p.is_abusive())
        .chain(std::iter::once(Practice::LegitReminder))
}

fn spans_of(f: &FindingRow) -> Vec<(usize, usize, Practice)> {
    f.spans.iter().map(|s| (s[0], s[1], f.practice)).collect()
}

fn findings(h: &mut Html, input: &ReportInput, a: &Analysis) {
    h.raw("<section id=\"findings\">\n<h2>发现的问题</h2>\n");
    if a.practices.is_empty() {
        h.raw("<p>没有识别出问题。这不代表对方没有违规：系统只能认出常见的说法。")
            .raw("你可以自己看看下面的时间线。</p>\n");
    } else {
        h.raw("<p>系统按规则认出了下面这些做法。每一条都写明了原话、规则和可能涉及的法律规定，")
            .raw("点“记录”可以跳到时间线里的原始记录。请你核对：认错了的可以标记为不对。</p>\n");
    }
    for p in practice_order() {
        let list: Vec<(usize, &FindingRow)> = input
            .findings
            .iter()
            .enumerate()
            .filter(|(_, f)| f.practice == p && f.status.counts())
            .collect();
        if list.is_empty() {
            continue;
        }
        h.raw("<h3")
            .attr("id", &format!("p-{}", p.code()))
            .raw(">")
            .raw(p.name_zh())
            .raw("（")
            .int(list.len() as i128)
            .raw(if p.is_abusive() {
                " 处）</h3>\n"
            } else {
                " 条，这类不算违规）</h3>\n"
            });
        for (fi, f) in list {
            finding(h, input, a, fi, f);
        }
    }
    let rejected: Vec<(usize, &FindingRow)> =
        input.findings.iter().enumerate().filter(|(_, f)| !f.status.counts()).collect();
    if !rejected.is_empty() {
        h.raw("<h3>你认为不对的识别结果（不计入统计）</h3>\n");
        for (fi, f) in rejected {
            finding(h, input, a, fi, f);
        }
    }
    h.raw("</section>\n");
}

fn timeline(h: &mut Html, input: &ReportInput, a: &Analysis) {
    h.raw("<section id=\"timeline\">\n<h2>时间线</h2>\n");
    h.raw("<p>下面按时间列出全部 ")
        .int(input.records.len() as i128)
        .raw(" 条记录（北京时间）。<mark>黄色底</mark>的字是让系统认出问题的原话，")
        .raw("后面的红框写着问题类型，点它可以看说明和法律规定。</p>\n");
    let mut per_day: std::collections::HashMap<Option<i64>, usize> = Default::default();
    for l in &a.local {
        *per_day.entry(l.map(|l| l.day)).or_insert(0) += 1;
    }
    let mut current: Option<Option<i64>> = None;
    let mut open = false;
    for &i in &a.order {
        let r = &input.records[i];
        let local = a.local[i];
        let day = local.map(|l| l.day);
        if current != Some(day) {
            if open {
                h.raw("</ol>\n");
            }
            current = Some(day);
            open = true;
            let count = per_day.get(&day).copied().unwrap_or(0);
            h.raw("<h3 class=\"day\">");
            match local {
                Some(l) => h.text(&day_heading(&l)),
                None => h.raw("时间不明"),
            };
            h.raw("<span class=\"muted\">（")
                .int(count as i128)
                .raw(" 条）</span></h3>\n")
                .raw("<ol class=\"records\">\n");
        }
        record_item(h, input, a, i, r, local);
    }
    if open {
        h.raw("</ol>\n");
    }
    if input.records.is_empty() {
        h.raw("<p>没有记录。</p>\n");
    }
    h.raw("</section>\n");
}

fn record_item(
    h: &mut Html,
    input: &ReportInput,
    a: &Analysis,
    i: usize,
    r: &RecordRow,
    local: Option<Local>,
) {
    let fids: &[usize] = if a.anchored[i] {
        a.findings_of.get(&r.id).map(Vec::as_slice).unwrap_or(&[])
    } else {
        &[]
    };
    let abusive = a.anchored[i] && a.abusive_records.contains(&r.id);
    h.raw(if abusive { "<li class=\"rec flagged\"" } else { "<li class=\"rec\"" });
    if a.anchored[i] {
        h.id_attr("r", r.id);
    }
    h.raw("><div class=\"meta\"><span class=\"time\">");
    match local {
        Some(l) => {
            h.text(&format!("{:02}:{:02}:{:02}", l.hour, l.minute, l.second));
        }
        None => {
            h.raw("时间不明");
        }
    }
    h.raw("</span>").raw(what_zh(r));
    if r.kind == RecordKind::Call {
        if let Some(c) = r.call_result {
            h.raw(" · ").raw(c.name_zh());
        }
        if let Some(d) = r.duration_s
            && (d > 0 || r.call_result == Some(CallResult::Answered))
        {
            h.raw(" · 通话 ").text(&duration_zh(d));
        }
    }
    h.raw(" · <span class=\"mono\">").text(number_shown(&r.number)).raw("</span>");
    if r.counterparty_raw != r.number && !r.counterparty_raw.is_empty() {
        h.raw("<span class=\"muted\">（原始：<span class=\"mono\">")
            .text(&r.counterparty_raw)
            .raw("</span>）</span>");
    }
    h.raw(" · ").text(&who(input, &r.contributor)).raw("的手机");
    if local.is_some_and(|l| l.is_night()) {
        h.raw("<span class=\"night\">夜间</span>");
    }
    h.raw("<span class=\"muted\"> #").int(r.id).raw("</span></div>");
    if let Some(text) = r.text.as_deref().filter(|t| !t.is_empty()) {
        h.raw("<div class=\"text\">");
        let spans: &[(usize, usize, Practice)] =
            a.spans_of.get(&r.id).filter(|_| a.anchored[i]).map(Vec::as_slice).unwrap_or(&[]);
        write_highlighted(h, text, spans);
        h.raw("</div>");
    }
    if !fids.is_empty() {
        h.raw("<div>");
        for &fi in fids {
            let f = &input.findings[fi];
            h.raw(if f.practice.is_abusive() { "<a class=\"tag\"" } else { "<a class=\"tag ok\"" })
                .href_anchor("f", fi as i64)
                .raw(">")
                .raw(f.practice.name_zh())
                .raw("</a>");
        }
        h.raw("</div>");
    }
    h.raw("</li>\n");
}

fn problems(h: &mut Html, input: &ReportInput) {
    h.raw("<section id=\"problems\">\n<h2>导入问题</h2>\n");
    if input.problems.is_empty() {
        h.raw("<p>导入文件时没有遇到问题。</p>\n</section>\n");
        return;
    }
    h.raw("<p>有 ")
        .int(input.problems.len() as i128)
        .raw(" 处内容没能完整读出来。这不影响其他记录，但上面的次数可能少算了一些。")
        .raw("原始文件都完整保存着，需要时可以请懂电脑的人再看。</p>\n")
        .raw("<div class=\"scroll\"><table><thead><tr><th>文件</th><th>位置</th><th>问题</th></tr></thead><tbody>\n");
    for p in &input.problems {
        h.raw("<tr><td class=\"mono\">")
            .text(&p.artifact)
            .raw("</td><td class=\"mono\">")
            .text(&p.locator)
            .raw("</td><td>")
            .text(&p.message_zh)
            .raw("</td></tr>\n");
    }
    h.raw("</tbody></table></div>\n</section>\n");
}

fn integrity(h: &mut Html, input: &ReportInput) {
    h.raw("<section id=\"integrity\">\n<h2>证据完整性</h2>\n");
    h.raw("<p>每个原始文件在导入时都算出了一个 SHA-256 “指纹”（一串 64 位的字母和数字）。")
        .raw("文件哪怕只改动一个字，指纹就会完全不同。所以别人可以用指纹确认：")
        .raw("这些证据从导入到现在没有被改过。原始文件本身一直原样保存，没有被修改。</p>\n");
    if input.artifacts.is_empty() {
        h.raw("<p>没有原始文件的记录。</p>\n");
    }
    for art in &input.artifacts {
        h.raw("<div class=\"artifact\"><div><b class=\"mono\">")
            .text(&art.file_name)
            .raw("</b></div><div>提供人：")
            .text(&who(input, &art.contributor));
        if !art.device.is_empty() {
            h.raw("　来源设备：").text(&art.device);
        }
        h.raw("　格式：")
            .text(&art.format)
            .raw("</div><div>读出 ")
            .int(i128::from(art.record_count))
            .raw(" 条记录");
        if art.problem_count > 0 {
            h.raw("，").int(i128::from(art.problem_count)).raw(" 处问题");
        }
        if let Some(t) = art.imported_at {
            h.raw("　导入时间：").text(&dt(t));
        }
        h.raw("</div><div>SHA-256：<code class=\"mono\">")
            .text(&art.sha256)
            .raw("</code></div></div>\n");
    }
    h.raw("<p><b>案件日志最新一条的指纹：</b>");
    match &input.log_head {
        Some(head) => h.raw("<code class=\"mono\">").text(head).raw("</code>"),
        None => h.raw("（没有日志）"),
    };
    h.raw("</p>\n<p>每次导入、确认或否定都会记进案件日志，每一条都连着上一条的指纹，")
        .raw("所以日志里的内容不能被悄悄删改。</p>\n")
        .raw("<h3>怎样核对</h3>\n<ol><li>在案件文件夹里运行 <code>anjing check</code>，")
        .raw("它会重新计算每个原始文件的指纹，并检查日志有没有被改动。</li>")
        .raw("<li>不用安静也可以核对：在电脑上对原始文件运行 <code>sha256sum 文件名</code>")
        .raw("（Windows 用 <code>certutil -hashfile 文件名 SHA256</code>），")
        .raw("结果应该和上面的指纹一模一样。</li></ol>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration_zh(0), "0秒");
        assert_eq!(duration_zh(83), "1分23秒");
        assert_eq!(duration_zh(3723), "1小时2分3秒");
    }
}
