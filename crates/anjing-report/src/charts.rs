//! Hand-written, deterministic inline SVG charts with Chinese labels.
//!
//! Every label that comes from input (numbers) goes through [`Html::text`]
//! like everywhere else; geometry is written with [`Html::num`].

use std::collections::BTreeMap;

use anjing_model::RecordKind;

use crate::ReportInput;
use crate::analysis::{Analysis, WEEKDAYS_ZH, civil_from_days, is_contact};
use crate::html::Html;

const CALL_COLOR: &str = "#2b6cb0";
const SMS_COLOR: &str = "#dd8a1a";
const W: f64 = 720.0;

/// How contacts are grouped along the time axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bucket {
    Day,
    Week,
    Month,
    Year,
}

impl Bucket {
    fn key(self, day: i64) -> i64 {
        match self {
            Bucket::Day => day,
            Bucket::Week => day - i64::from(crate::analysis::weekday_of_day(day)),
            Bucket::Month => {
                let (y, m, _) = civil_from_days(day);
                y * 12 + m - 1
            }
            Bucket::Year => civil_from_days(day).0,
        }
    }

    fn step(self, key: i64) -> i64 {
        match self {
            Bucket::Week => key + 7,
            _ => key + 1,
        }
    }

    fn short_label(self, key: i64) -> String {
        match self {
            Bucket::Day | Bucket::Week => {
                let (_, m, d) = civil_from_days(key);
                format!("{m}/{d}")
            }
            Bucket::Month => format!("{}/{}", key.div_euclid(12), key.rem_euclid(12) + 1),
            Bucket::Year => format!("{key}"),
        }
    }

    fn long_label(self, key: i64) -> String {
        match self {
            Bucket::Day => {
                let (y, m, d) = civil_from_days(key);
                format!("{y}年{m}月{d}日")
            }
            Bucket::Week => {
                let (y, m, d) = civil_from_days(key);
                format!("{y}年{m}月{d}日起的一周")
            }
            Bucket::Month => format!("{}年{}月", key.div_euclid(12), key.rem_euclid(12) + 1),
            Bucket::Year => format!("{key}年"),
        }
    }

    fn title(self) -> &'static str {
        match self {
            Bucket::Day => "每天收到的电话和短信",
            Bucket::Week => "每周收到的电话和短信",
            Bucket::Month => "每月收到的电话和短信",
            Bucket::Year => "每年收到的电话和短信",
        }
    }
}

/// A "nice" upper bound (1, 2, 5 × 10ⁿ) at or above `max`, and a tick step.
fn nice_scale(max: usize) -> (f64, f64) {
    let max = max.max(1) as f64;
    let mut step = 1.0;
    loop {
        for m in [1.0, 2.0, 5.0] {
            let s = step * m;
            if (max / s).ceil() <= 5.0 {
                return ((max / s).ceil() * s, s);
            }
        }
        step *= 10.0;
    }
}

fn legend(h: &mut Html, x: f64, y: f64) {
    h.raw("<rect")
        .num_attr("x", x)
        .num_attr("y", y - 9.0)
        .raw(" width=\"10\" height=\"10\" fill=\"")
        .raw(CALL_COLOR)
        .raw("\"/>");
    h.raw("<text").num_attr("x", x + 14.0).num_attr("y", y).raw(">电话</text>");
    h.raw("<rect")
        .num_attr("x", x + 54.0)
        .num_attr("y", y - 9.0)
        .raw(" width=\"10\" height=\"10\" fill=\"")
        .raw(SMS_COLOR)
        .raw("\"/>");
    h.raw("<text").num_attr("x", x + 68.0).num_attr("y", y).raw(">短信</text>");
}

fn svg_open(h: &mut Html, height: f64, label: &'static str) {
    h.raw("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\"")
        .attr("aria-label", label)
        .raw(" viewBox=\"0 0 720 ")
        .num(height)
        .raw("\" font-size=\"11\">");
}

/// Stacked bars of received calls and messages per day (or week/month/year
/// when the range is long). Returns `None` when nothing dated was received.
pub(crate) fn contacts_over_time(input: &ReportInput, a: &Analysis) -> Option<(String, Html)> {
    let days: Vec<(i64, bool)> = input
        .records
        .iter()
        .zip(&a.local)
        .filter(|(r, _)| is_contact(r))
        .filter_map(|(r, l)| l.map(|l| (l.day, r.kind == RecordKind::Call)))
        .collect();
    let min = days.iter().map(|d| d.0).min()?;
    let max = days.iter().map(|d| d.0).max()?;
    let span = max - min + 1;
    let bucket = if span <= 92 {
        Bucket::Day
    } else if span <= 7 * 104 {
        Bucket::Week
    } else if span <= 31 * 120 {
        Bucket::Month
    } else {
        Bucket::Year
    };
    let mut counts: BTreeMap<i64, (usize, usize)> = BTreeMap::new();
    let (first, last) = (bucket.key(min), bucket.key(max));
    let mut k = first;
    while k <= last {
        counts.insert(k, (0, 0));
        k = bucket.step(k);
    }
    for (day, call) in days {
        let e = counts.entry(bucket.key(day)).or_insert((0, 0));
        if call {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }
    let n = counts.len() as f64;
    let peak = counts.values().map(|c| c.0 + c.1).max().unwrap_or(0);
    let (ymax, ystep) = nice_scale(peak);
    let (left, right, top, bottom) = (40.0, 10.0, 30.0, 30.0);
    let height = 260.0;
    let pw = W - left - right;
    let ph = height - top - bottom;
    let slot = pw / n;
    let bw = (slot * 0.8).max(0.5);

    let mut h = Html::default();
    svg_open(&mut h, height, "收到的电话和短信数量随时间的变化");
    legend(&mut h, left, 16.0);
    // Grid and y labels.
    let mut t = 0.0;
    while t <= ymax + 1e-9 {
        let y = top + ph - t / ymax * ph;
        h.raw("<line")
            .num_attr("x1", left)
            .num_attr("x2", W - right)
            .num_attr("y1", y)
            .num_attr("y2", y)
            .raw(" stroke=\"#ddd\"/>");
        h.raw("<text")
            .num_attr("x", left - 4.0)
            .num_attr("y", y + 4.0)
            .raw(" text-anchor=\"end\">")
            .num(t)
            .raw("</text>");
        t += ystep;
    }
    let label_every = (counts.len() / 8).max(1);
    for (i, (&key, &(calls, sms))) in counts.iter().enumerate() {
        let x = left + i as f64 * slot + (slot - bw) / 2.0;
        let hc = calls as f64 / ymax * ph;
        let hs = sms as f64 / ymax * ph;
        h.raw("<g><title>")
            .text(&format!("{}：电话 {calls} 次，短信 {sms} 条", bucket.long_label(key)))
            .raw("</title>");
        if calls > 0 {
            h.raw("<rect")
                .num_attr("x", x)
                .num_attr("y", top + ph - hc)
                .num_attr("width", bw)
                .num_attr("height", hc)
                .raw(" fill=\"")
                .raw(CALL_COLOR)
                .raw("\"/>");
        }
        if sms > 0 {
            h.raw("<rect")
                .num_attr("x", x)
                .num_attr("y", top + ph - hc - hs)
                .num_attr("width", bw)
                .num_attr("height", hs)
                .raw(" fill=\"")
                .raw(SMS_COLOR)
                .raw("\"/>");
        }
        h.raw("</g>");
        if i % label_every == 0 {
            h.raw("<text")
                .num_attr("x", left + (i as f64 + 0.5) * slot)
                .num_attr("y", height - bottom + 16.0)
                .raw(" text-anchor=\"middle\">")
                .text(&bucket.short_label(key))
                .raw("</text>");
        }
    }
    h.raw("</svg>");
    Some((bucket.title().to_string(), h))
}

/// Hour-of-day × weekday heatmap of received calls and messages, with the
/// 22:00–08:00 band marked 夜间. `None` when nothing dated was received.
pub(crate) fn heatmap(input: &ReportInput, a: &Analysis) -> Option<Html> {
    let mut grid = [[0usize; 24]; 7];
    let mut any = false;
    for (r, l) in input.records.iter().zip(&a.local) {
        if let (true, Some(l)) = (is_contact(r), l) {
            grid[usize::from(l.weekday) % 7][(l.hour.clamp(0, 23)) as usize] += 1;
            any = true;
        }
    }
    if !any {
        return None;
    }
    let peak = grid.iter().flatten().copied().max().unwrap_or(1).max(1) as f64;
    let (left, top, cw, ch) = (40.0, 36.0, (W - 50.0) / 24.0, 26.0);
    let height = top + 7.0 * ch + 10.0;
    let mut h = Html::default();
    svg_open(&mut h, height, "一周中每个钟点收到的电话和短信数量");
    // Night band: 22:00–24:00 and 00:00–08:00.
    for (from, to) in [(0.0, 8.0), (22.0, 24.0)] {
        h.raw("<rect class=\"night\"")
            .num_attr("x", left + from * cw)
            .num_attr("y", 2.0)
            .num_attr("width", (to - from) * cw)
            .num_attr("height", height - 6.0)
            .raw(" fill=\"#dfe6f3\"/>");
        h.raw("<text")
            .num_attr("x", left + (from + to) / 2.0 * cw)
            .num_attr("y", 13.0)
            .raw(" text-anchor=\"middle\" font-weight=\"bold\">夜间</text>");
    }
    for hour in (0..24).step_by(2) {
        h.raw("<text")
            .num_attr("x", left + (f64::from(hour) + 0.5) * cw)
            .num_attr("y", top - 6.0)
            .raw(" text-anchor=\"middle\">")
            .int(hour)
            .raw("时</text>");
    }
    for (d, row) in grid.iter().enumerate() {
        let y = top + d as f64 * ch;
        h.raw("<text")
            .num_attr("x", left - 6.0)
            .num_attr("y", y + ch / 2.0 + 4.0)
            .raw(" text-anchor=\"end\">")
            .raw(WEEKDAYS_ZH[d])
            .raw("</text>");
        for (hour, &c) in row.iter().enumerate() {
            let x = left + hour as f64 * cw;
            h.raw("<g><title>")
                .text(&format!("{}{hour}时：{c} 次", WEEKDAYS_ZH[d]))
                .raw("</title><rect")
                .num_attr("x", x + 1.0)
                .num_attr("y", y + 1.0)
                .num_attr("width", cw - 2.0)
                .num_attr("height", ch - 2.0);
            if c == 0 {
                h.raw(" fill=\"#f4f4f4\"/>");
            } else {
                let o = 0.15 + 0.85 * c as f64 / peak;
                h.raw(" fill=\"#b7312c\"")
                    .num_attr("fill-opacity", ((o * 100.0).round()) / 100.0)
                    .raw("/>");
                h.raw("<text")
                    .num_attr("x", x + cw / 2.0)
                    .num_attr("y", y + ch / 2.0 + 4.0)
                    .raw(" text-anchor=\"middle\" font-size=\"10\"")
                    .raw(if o > 0.55 { " fill=\"#fff\">" } else { " fill=\"#222\">" })
                    .int(c as i128)
                    .raw("</text>");
            }
            h.raw("</g>");
        }
    }
    h.raw("</svg>");
    Some(h)
}

/// The three charts as standalone SVG documents (see [`crate::charts`]).
pub(crate) fn standalone(input: &ReportInput) -> Vec<crate::Chart> {
    let a = Analysis::new(input);
    let mut out = Vec::new();
    let mut push = |title: String, svg: Html| {
        let svg = svg.finish();
        // Only the root's viewBox height varies; read it back instead of threading it.
        let height = svg
            .split("viewBox=\"0 0 720 ")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .and_then(|h| h.parse::<f64>().ok())
            .unwrap_or(260.0);
        let svg = svg.replacen(
            "<svg ",
            &format!("<svg width=\"{W}\" height=\"{height}\" font-family=\"sans-serif\" "),
            1,
        );
        out.push(crate::Chart { title, svg, width: W, height });
    };
    if let Some((title, svg)) = contacts_over_time(input, &a) {
        push(title, svg);
    }
    if let Some(svg) = heatmap(input, &a) {
        push("一周里每个钟点收到多少次".to_string(), svg);
    }
    if let Some(svg) = top_numbers(&a, 12) {
        push("联系最多的号码".to_string(), svg);
    }
    out
}

/// Truncates to at most `n` characters, with an ellipsis.
pub(crate) fn truncate_chars(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Horizontal stacked bars for the numbers that called or texted most.
pub(crate) fn top_numbers(a: &Analysis, limit: usize) -> Option<Html> {
    let mut top: Vec<_> = a.numbers.iter().filter(|s| s.contacts() > 0).collect();
    top.sort_by(|x, y| y.contacts().cmp(&x.contacts()).then_with(|| x.number.cmp(y.number)));
    top.truncate(limit);
    if top.is_empty() {
        return None;
    }
    let peak = top.iter().map(|s| s.contacts()).max().unwrap_or(1).max(1) as f64;
    let (left, right, top_m, rh) = (160.0, 50.0, 28.0, 22.0);
    let height = top_m + top.len() as f64 * rh + 6.0;
    let pw = W - left - right;
    let mut h = Html::default();
    svg_open(&mut h, height, "联系最多的号码");
    legend(&mut h, left, 16.0);
    for (i, s) in top.iter().enumerate() {
        let y = top_m + i as f64 * rh;
        let shown = if s.number.is_empty() { "（无号码）" } else { s.number };
        h.raw("<g><title>")
            .text(&format!("{shown}：电话 {} 次，短信 {} 条", s.calls_in, s.messages_in))
            .raw("</title>");
        h.raw("<text")
            .num_attr("x", left - 6.0)
            .num_attr("y", y + rh / 2.0 + 4.0)
            .raw(" text-anchor=\"end\">")
            .text(&truncate_chars(shown, 22))
            .raw("</text>");
        let wc = s.calls_in as f64 / peak * pw;
        let ws = s.messages_in as f64 / peak * pw;
        if s.calls_in > 0 {
            h.raw("<rect")
                .num_attr("x", left)
                .num_attr("y", y + 3.0)
                .num_attr("width", wc)
                .num_attr("height", rh - 6.0)
                .raw(" fill=\"")
                .raw(CALL_COLOR)
                .raw("\"/>");
        }
        if s.messages_in > 0 {
            h.raw("<rect")
                .num_attr("x", left + wc)
                .num_attr("y", y + 3.0)
                .num_attr("width", ws)
                .num_attr("height", rh - 6.0)
                .raw(" fill=\"")
                .raw(SMS_COLOR)
                .raw("\"/>");
        }
        h.raw("<text")
            .num_attr("x", left + wc + ws + 4.0)
            .num_attr("y", y + rh / 2.0 + 4.0)
            .raw(">")
            .int(s.contacts() as i128)
            .raw("</text></g>");
    }
    h.raw("</svg>");
    Some(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_scales() {
        assert_eq!(nice_scale(0), (1.0, 1.0));
        assert_eq!(nice_scale(3), (3.0, 1.0));
        assert_eq!(nice_scale(7), (8.0, 2.0));
        assert_eq!(nice_scale(23), (25.0, 5.0));
        assert_eq!(nice_scale(480), (500.0, 100.0));
    }

    #[test]
    fn buckets() {
        let d = crate::analysis::days_from_civil(2026, 3, 4); // Wednesday
        assert_eq!(Bucket::Week.key(d), d - 2);
        assert_eq!(Bucket::Month.short_label(Bucket::Month.key(d)), "2026/3");
        assert_eq!(Bucket::Day.long_label(d), "2026年3月4日");
    }

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate_chars("一二三四五", 3), "一二…");
        assert_eq!(truncate_chars("一二三", 3), "一二三");
    }
}
