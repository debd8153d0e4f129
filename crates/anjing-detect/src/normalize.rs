/*!
Text normalisation with an offset map back to the original.

Collectors evade keyword filters with full-width letters, Traditional characters,
zero-width characters, separators between Han characters (`通-讯-录`, `通 讯 录`,
`通*讯*录`, emoji), pinyin or homophones (`tong讯录`, `txl`, `崔收`, `还Q`).
Detection runs on a normalised copy of the text; every normalised character
remembers the range of original characters it came from, so a match in the
normalised text maps back to a span of the user's original text.

Steps, in order:
1. drop zero-width and format characters (U+200B–U+200F, U+2060–U+2064, U+FEFF,
   variation selectors, soft hyphen);
2. NFKC per character (full-width → half-width, compatibility forms), then
   lowercase;
3. Traditional → simplified for the characters that matter (a table);
4. drop runs of inserted separators (spaces, `-*_.·•|/\~`, emoji and other
   symbols) that sit between two Han characters;
5. replace common evasions (pinyin, homophones, abbreviations, Cantonese
   written forms) by the word they stand for. Every mix of characters and
   syllables of the key words is generated from one pinyin table (`tong讯录`,
   `通xun录`, `tongxunlu`), and matching looks through spaces between
   syllables (`tong xun lu`, `jing 侦`).

Punctuation that separates clauses is kept (full-width `，！？：；（）` become
ASCII `,!?:;()`; `。` and `、` stay).
*/

use std::collections::HashMap;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use unicode_normalization::UnicodeNormalization;

/// A normalised text plus, for every normalised character, the range of
/// original characters (Unicode scalar values) it came from.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// The normalised text that rules match against.
    pub text: String,
    /// Per normalised character: original character range `[start, end)`.
    origin: Vec<(usize, usize)>,
    /// Per normalised character: its byte offset in `text`.
    byte_starts: Vec<usize>,
    /// Number of characters in the original text.
    orig_len: usize,
}

impl Normalized {
    /// Normalises `original`.
    pub fn new(original: &str) -> Normalized {
        let map = char_map();
        let t2s = t2s_table();
        // Steps 1–3: one table lookup per character of the Basic Multilingual Plane.
        let mut items: Vec<(char, usize, usize)> = Vec::with_capacity(original.len());
        let mut orig_len = 0;
        let mut any_separator = false;
        for (ci, ch) in original.chars().enumerate() {
            orig_len = ci + 1;
            match map.get(ch as usize).copied().unwrap_or(MAP_SLOW) {
                MAP_DROP => {}
                MAP_SLOW => map_char(ch, t2s, |c| {
                    any_separator |= is_separator(c);
                    items.push((c, ci, ci + 1));
                }),
                m => {
                    any_separator |= m & MAP_SEPARATOR != 0;
                    let c =
                        char::from_u32(m & !MAP_SEPARATOR).unwrap_or(char::REPLACEMENT_CHARACTER);
                    items.push((c, ci, ci + 1));
                }
            }
        }
        if !any_separator {
            // Step 4 has nothing to drop and step 5 sees the text as it is: when no evasion
            // occurs in it, the mapped text is the result.
            let text = collect_text(&items);
            if !evasion_automaton().0.is_match(&text) {
                return Normalized::from_parts(text, &items, orig_len);
            }
        }
        // Step 4: separators between Han characters.
        let kept = drop_han_separators(items);
        if !has_joinable_run(&kept) {
            // The evasion scan's view is the text itself (no separators to look through).
            let text = collect_text(&kept);
            if !evasion_automaton().0.is_match(&text) {
                return Normalized::from_parts(text, &kept, orig_len);
            }
        }
        // Step 5: evasions, twice so that replacements can chain (曝tong讯录 → 曝通讯录 → 爆通讯录).
        // A replacement can leave a separator between two Han characters (你的 jia ren →
        // 你的 家人): step 4 runs again then.
        let (once, replaced) = replace_evasions(kept);
        let out = if replaced { drop_han_separators(replace_evasions(once).0) } else { once };
        let text = collect_text(&out);
        Normalized::from_parts(text, &out, orig_len)
    }

    fn from_parts(text: String, items: &[(char, usize, usize)], orig_len: usize) -> Normalized {
        let mut origin = Vec::with_capacity(items.len());
        let mut byte_starts = Vec::with_capacity(items.len());
        let mut b = 0;
        for &(c, s, e) in items {
            byte_starts.push(b);
            b += c.len_utf8();
            origin.push((s, e));
        }
        Normalized { text, origin, byte_starts, orig_len }
    }

    /// Number of characters of the original text.
    pub fn original_len(&self) -> usize {
        self.orig_len
    }

    /// The normalised character index that starts at or contains byte `b`.
    fn char_at_byte(&self, b: usize) -> usize {
        match self.byte_starts.binary_search(&b) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Maps a byte range of the normalised text to a character span `[start, end)`
    /// of the original text. An empty range maps to an empty span.
    pub fn original_span(&self, byte_start: usize, byte_end: usize) -> [usize; 2] {
        if self.origin.is_empty() {
            return [0, 0];
        }
        if byte_end <= byte_start {
            let c = self.char_at_byte(byte_start.min(self.text.len()));
            let p = if byte_start >= self.text.len() { self.orig_len } else { self.origin[c].0 };
            return [p, p];
        }
        let cs = self.char_at_byte(byte_start);
        let ce = self.char_at_byte(byte_end - 1);
        let start = self.origin[cs..=ce].iter().map(|o| o.0).min().unwrap_or(0);
        let end = self.origin[cs..=ce].iter().map(|o| o.1).max().unwrap_or(0);
        [start, end]
    }
}

/// Steps 1–3 for one original character: drop invisible characters, NFKC, lowercase,
/// Traditional → simplified. Calls `out` for each resulting character.
fn map_char(ch: char, t2s: &HashMap<char, char>, mut out: impl FnMut(char)) {
    if is_invisible(ch) {
        return;
    }
    for c in std::iter::once(ch).nfkc() {
        if is_invisible(c) {
            continue;
        }
        for l in c.to_lowercase() {
            out(t2s.get(&l).copied().unwrap_or(l));
        }
    }
}

/// [`char_map`]: the character maps to nothing.
const MAP_DROP: u32 = u32::MAX;
/// [`char_map`]: the character maps to several characters (ﬁ → fi); use [`map_char`].
const MAP_SLOW: u32 = u32::MAX - 1;
/// [`char_map`]: flag on a mapped character that is a separator.
const MAP_SEPARATOR: u32 = 1 << 31;

/// [`map_char`] precomputed for every character of the Basic Multilingual Plane that maps to
/// at most one character (NFKC here is per character, so a table is exact).
fn char_map() -> &'static [u32] {
    static MAP: OnceLock<Vec<u32>> = OnceLock::new();
    MAP.get_or_init(|| {
        let t2s = t2s_table();
        (0u32..0x1_0000)
            .map(|u| {
                let Some(ch) = char::from_u32(u) else { return MAP_SLOW };
                let mut first = None;
                let mut n = 0;
                map_char(ch, t2s, |c| {
                    first.get_or_insert(c);
                    n += 1;
                });
                match (n, first) {
                    (0, _) => MAP_DROP,
                    (1, Some(c)) => c as u32 | if is_separator(c) { MAP_SEPARATOR } else { 0 },
                    _ => MAP_SLOW,
                }
            })
            .collect()
    })
}

/// Drops runs of separators that sit between two Han characters (通-讯-录 → 通讯录).
fn drop_han_separators(items: Vec<(char, usize, usize)>) -> Vec<(char, usize, usize)> {
    if !items.iter().any(|i| is_separator(i.0)) {
        return items;
    }
    let mut kept: Vec<(char, usize, usize)> = Vec::with_capacity(items.len());
    let mut i = 0;
    while i < items.len() {
        let (c, _, _) = items[i];
        if is_separator(c) {
            let mut j = i;
            while j < items.len() && is_separator(items[j].0) {
                j += 1;
            }
            let prev_han = kept.last().is_some_and(|k| is_han(k.0));
            let next_han = j < items.len() && is_han(items[j].0);
            if !(prev_han && next_han) {
                kept.extend_from_slice(&items[i..j]);
            }
            i = j;
        } else {
            kept.push(items[i]);
            i += 1;
        }
    }
    kept
}

/// Whether a short run of separators between `a` and `b` may be skipped while looking for
/// evasions: pinyin written with spaces (`tong xun lu`, `jing 侦`). At least one side is a
/// Latin letter; Han–Han runs are already gone (step 4).
fn joinable(a: char, b: char) -> bool {
    let word = |c: char| c.is_ascii_alphabetic() || is_han(c);
    word(a) && word(b) && (a.is_ascii_alphabetic() || b.is_ascii_alphabetic())
}

/// The separator run of `kept` starting at `i` (a separator): where it ends, and whether
/// matching looks through it (at most 3 separators between two joinable characters).
fn separator_run(kept: &[(char, usize, usize)], i: usize) -> (usize, bool) {
    let mut j = i;
    while j < kept.len() && is_separator(kept[j].0) {
        j += 1;
    }
    (j, i > 0 && j < kept.len() && j - i <= 3 && joinable(kept[i - 1].0, kept[j].0))
}

/// The characters of `items` as one string, allocated once (Han characters take three
/// bytes; collecting from the iterator would grow the string twice on the way).
fn collect_text(items: &[(char, usize, usize)]) -> String {
    let mut text = String::with_capacity(items.iter().map(|i| i.0.len_utf8()).sum());
    text.extend(items.iter().map(|i| i.0));
    text
}

/// Whether [`replace_evasions`] would look through some separator run of `kept`.
fn has_joinable_run(kept: &[(char, usize, usize)]) -> bool {
    let mut i = 0;
    while i < kept.len() {
        if is_separator(kept[i].0) {
            let (j, skip) = separator_run(kept, i);
            if skip {
                return true;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    false
}

/// One left-to-right pass of the evasion table over mapped characters. Matching looks
/// through short separator runs between letters (`tong xun lu`); a match replaces the
/// separators inside it, separators outside any match are kept. Returns whether anything
/// was replaced.
fn replace_evasions(kept: Vec<(char, usize, usize)>) -> (Vec<(char, usize, usize)>, bool) {
    // The matching view: indices into `kept`, skipping joinable separator runs.
    let (ac, replacements) = evasion_automaton();
    if !kept.iter().any(|k| is_separator(k.0)) {
        let plain: String = kept.iter().map(|k| k.0).collect();
        if !ac.is_match(&plain) {
            return (kept, false);
        }
    }
    let mut view: Vec<usize> = Vec::with_capacity(kept.len());
    let mut i = 0;
    while i < kept.len() {
        if is_separator(kept[i].0) {
            let (j, skip) = separator_run(&kept, i);
            if !skip {
                view.extend(i..j);
            }
            i = j;
        } else {
            view.push(i);
            i += 1;
        }
    }
    let plain: String = view.iter().map(|&v| kept[v].0).collect();
    if !ac.is_match(&plain) {
        return (kept, false);
    }
    let mut view_of_byte: Vec<usize> = vec![0; plain.len() + 1];
    for (vi, (b, _)) in plain.char_indices().enumerate() {
        view_of_byte[b] = vi;
    }
    view_of_byte[plain.len()] = view.len();
    let mut out: Vec<(char, usize, usize)> = Vec::with_capacity(kept.len());
    let mut last = 0; // index into kept
    let links = link_runs(&kept);
    for m in ac.find_iter(&plain) {
        let ks = view[view_of_byte[m.start()]];
        let ke = view[view_of_byte[m.end()] - 1] + 1;
        // Letters inside a link are the link (https://boc.cn/m/r holds no "cnm").
        if links.iter().any(|&(a, b)| a <= ks && ke <= b) {
            continue;
        }
        out.extend_from_slice(&kept[last..ks]);
        let os = kept[ks..ke].iter().map(|k| k.1).min().unwrap_or(0);
        let oe = kept[ks..ke].iter().map(|k| k.2).max().unwrap_or(0);
        for r in replacements[m.pattern().as_usize()].chars() {
            out.push((r, os, oe));
        }
        last = ke;
    }
    out.extend_from_slice(&kept[last..]);
    (out, true)
}

/// The index ranges of `kept` that are links: runs of printable ASCII that hold `://`,
/// start with `www.` or have a domain-like dot (`boc.cn/m`, `t.cn/x`).
fn link_runs(kept: &[(char, usize, usize)]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < kept.len() {
        if !kept[i].0.is_ascii_graphic() {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < kept.len() && kept[j].0.is_ascii_graphic() {
            j += 1;
        }
        let run: Vec<char> = kept[i..j].iter().map(|k| k.0.to_ascii_lowercase()).collect();
        let s: String = run.iter().collect();
        let domain_dot = run.windows(4).any(|w| {
            w[0].is_ascii_alphanumeric()
                && w[1] == '.'
                && w[2].is_ascii_alphabetic()
                && w[3].is_ascii_alphabetic()
        });
        if s.contains("://") || s.starts_with("www.") || domain_dot {
            out.push((i, j));
        }
        i = j;
    }
    out
}

/// Zero-width, bidi and format characters that never carry meaning here.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{3164}'
        | '\u{E0100}'..='\u{E01EF}' | '\u{E0000}'..='\u{E007F}')
}

/// Han (CJK unified ideographs and extensions, compatibility ideographs).
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}' | '\u{30000}'..='\u{3134F}')
}

/// Characters that evaders insert between Han characters. Clause punctuation
/// (`,` `。` `!` `?` `:` `;` `、`) is deliberately not in this set.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '_'
                | '*'
                | '.'
                | '·'
                | '•'
                | '|'
                | '/'
                | '\\'
                | '~'
                | '^'
                | '+'
                | '='
                | '#'
                | '`'
                | '\''
                | '"'
                | '‘'
                | '’'
                | '“'
                | '”'
                | '¦'
                | '‧'
                | '∙'
                | '・'
                | '〜'
                | '—'
                | '–'
        )
        || matches!(c,
            '\u{2190}'..='\u{21FF}' // arrows
            | '\u{2300}'..='\u{23FF}' // misc technical
            | '\u{25A0}'..='\u{27BF}' // shapes, misc symbols, dingbats
            | '\u{2B00}'..='\u{2BFF}'
            | '\u{1F000}'..='\u{1FAFF}') // emoji and pictographs
}

/// Traditional → simplified pairs for the characters that matter in collection
/// messages and their context (a few hundred common ones). Each token is
/// `<traditional><simplified>`.
const T2S_PAIRS: &str = "\
們们 還还 錢钱 債债 訊讯 錄录 門门 執执 凍冻 結结 訴诉 詐诈 騙骗 戶户 個个 這这 來来 說说 對对 時时 會会 為为 國国 後后 無无 過过 與与 發发 現现 開开 關关 問问 題题 當当 點点 經经 給给 讓让 從从 東东 車车 長长 機机 電电 話话 號号 碼码 業业 學学 動动 見见 場场 處处 應应 實实 進进 種种 樣样 頭头 氣气 義义 將将 於于 報报 據据 邊边 總总 萬万 億亿 條条 務务 產产 員员 單单 麼么 嗎吗 妳你 祢你 貸贷 帳账 賬账 銀银 護护 聯联 繫系 係系 紹绍 親亲 屬属 辦办 僱雇 庫库 幫帮 層层 區区 醫医 師师 訟讼 審审 罰罚 網网 絡络 證证 徵征 貨货 費费 價价 買买 賣卖 額额 際际 險险 違违 規规 則则 權权 責责 領领 導导 鄰邻 媽妈 爺爷 兒儿 孫孙 婦妇 夥伙 謝谢 請请 盡尽 償偿 歸归 積积 極极 擔担 憑凭 認认 識识 訪访 託托 殺杀 傷伤 蟲虫 豬猪 賤贱 騷骚 擾扰 脅胁 嚇吓 滅灭 爛烂 髒脏 黃黄 圖图 貼贴 紙纸 張张 揚扬 傳传 檢检 縣县 鄉乡 鎮镇 劃划 計计 記记 設设 訂订 讀读 語语 講讲 談谈 論论 試试 詢询 諮咨 議议 評评 衛卫 離离 雙双 歲岁 齡龄 獲获 鬆松 緊紧 級级 紀纪 約约 紅红 維维 線线 綫线 細细 終终 組组 織织 續续 綁绑 繳缴 納纳 統统 絕绝 編编 繼继 龍龙 鳥鸟 馬马 驗验 驚惊 體体 髮发 鬥斗 專专 樂乐 歡欢 濟济 溝沟 滿满 漢汉 熱热 爾尔 狀状 獨独 環环 產产 畢毕 療疗 盜盗 監监 眾众 確确 禮礼 禍祸 稅税 穩稳 窮穷 筆笔 節节 範范 簡简 簽签 罷罢 聽听 聲声 職职 膽胆 臉脸 舉举 舊旧 藝艺 華华 葉叶 藥药 虧亏 補补 裝装 製制 複复 觀观 覺觉 觸触 討讨 訓训 許许 詞词 詳详 誠诚 誤误 誰谁 課课 調调 謀谋 謂谓 譯译 變变 負负 財财 貧贫 貴贵 賠赔 賴赖 資资 賺赚 購购 贏赢 趕赶 軍军 軟软 較较 載载 輕轻 輛辆 輸输 農农 連连 週周 運运 遠远 適适 遲迟 選选 遺遗 郵邮 醜丑 針针 鋪铺 鏈链 鐵铁 閉闭 間间 閱阅 隊队 陽阳 陰阴 陳陈 隨随 隱隐 雜杂 雞鸡 難难 雲云 靈灵 靜静 響响 項项 順顺 須须 預预 頻频 顏颜 顧顾 顯显 風风 飛飞 飯饭 餘余 館馆 驅驱 鬧闹 黨党 僅仅 儀仪 優优 兇凶 兩两 冊册 勞劳 勢势 匯汇 協协 卻却 參参 啟启 嚴严 團团 圍围 園园 圓圆 塊块 墳坟 壓压 壞坏 夠够 夢梦 奪夺 寧宁 寫写 寶宝 尋寻 屆届 島岛 幣币 帶带 幹干 廣广 廳厅 異异 強强 彈弹 徹彻 惡恶 態态 慘惨 慮虑 憂忧 懷怀 懸悬 戰战 戲戏 擇择 擁拥 擊击 擴扩 攝摄 敗败 敵敌 數数 斷断 暫暂 曆历 書书 棄弃 構构 槍枪 樓楼 標标 橋桥 檔档 欄栏 歐欧 歷历 殘残 毀毁 決决 沒没 況况 淚泪 淨净 減减 測测 準准 潔洁 濃浓 災灾 烏乌 煙烟 燈灯 營营 爭争 牆墙 獎奖 畫画 瘋疯 碼码 礦矿 稱称 竊窃 糾纠 絲丝 綠绿 縱纵 繩绳 羅罗 習习 聖圣 聞闻 肅肃 腦脑 腳脚 臨临 興兴 蘭兰 虛虚 衝冲 術术 裏里 裡里 視视 覽览 該该 誘诱 諒谅 謊谎 譽誉 讚赞 豐丰 貓猫 販贩 貪贪 賀贺 賭赌 質质 贈赠 蹤踪 軌轨 轉转 辭辞 遞递 遷迁 釋释 錯错 鍵键 鎖锁 鏡镜 鐘钟 閃闪 閒闲 闖闯 陸陆 雖虽 霧雾 頁页 頂顶 頓顿 類类 駐驻 騰腾 鬱郁 鮮鲜 鳴鸣 麗丽 黴霉 隻只 妝妆 們们 鎖锁 戀恋 屍尸 蠢蠢 畜畜 賊贼 癟瘪 廢废 渾浑 倆俩 糞粪 瘋疯 嘴嘴 懶懒 獄狱 啞哑 蕩荡 媧娲 剛刚 勁劲 紮扎 偽伪 鑑鉴 鑒鉴 嗎吗 囉啰 裡里 麵面 夠够 舖铺 擬拟 繪绘 龐庞 範范 兌兑 稟禀 糧粮 聳耸 恥耻 偵侦 轟轰 闆板 罵骂 滾滚 喪丧 賞赏 並并 搶抢 噴喷 廠厂 輩辈 養养 濫滥 喚唤 緝缉";

fn t2s_table() -> &'static HashMap<char, char> {
    static TABLE: OnceLock<HashMap<char, char>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut m = HashMap::new();
        for tok in T2S_PAIRS.split_whitespace() {
            let mut cs = tok.chars();
            if let (Some(t), Some(s), None) = (cs.next(), cs.next(), cs.next())
                && t != s
            {
                m.insert(t, s);
            }
        }
        m
    })
}

/// Evasions: what evaders write (already lowercased, separators removed) → the word meant.
const EVASIONS: &[(&str, &str)] = &[
    // 通讯录 (contact list)
    ("txl", "通讯录"),
    ("tongxunlu", "通讯录"),
    ("tong讯录", "通讯录"),
    ("通xun录", "通讯录"),
    ("通讯lu", "通讯录"),
    ("tongxun录", "通讯录"),
    ("通迅录", "通讯录"),
    ("通信录", "通讯录"),
    ("通讯禄", "通讯录"),
    ("曝通讯录", "爆通讯录"),
    ("暴通讯录", "爆通讯录"),
    ("报通讯录", "爆通讯录"),
    ("bao通讯录", "爆通讯录"),
    // 催收 / 还钱 / 上门
    ("崔收", "催收"),
    ("摧收", "催收"),
    ("cui收", "催收"),
    ("催shou", "催收"),
    ("cuishou", "催收"),
    ("还q", "还钱"),
    ("还qian", "还钱"),
    ("huan钱", "还钱"),
    ("huanqian", "还钱"),
    ("上men", "上门"),
    ("shang门", "上门"),
    ("shangmen", "上门"),
    ("上们", "上门"),
    // debt words
    ("yuqi", "逾期"),
    ("逾qi", "逾期"),
    ("yu期", "逾期"),
    ("预期未还", "逾期未还"),
    ("qian款", "欠款"),
    ("欠kuan", "欠款"),
    ("dai款", "贷款"),
    ("daikuan", "贷款"),
    ("wang贷", "网贷"),
    ("zheng信", "征信"),
    ("征xin", "征信"),
    ("qi诉", "起诉"),
    ("起su", "起诉"),
    ("fa院", "法院"),
    ("法yuan", "法院"),
    ("jia人", "家人"),
    ("家ren", "家人"),
    ("lao赖", "老赖"),
    ("老lai", "老赖"),
    ("laolai", "老赖"),
    // insults written around filters
    ("煞笔", "傻逼"),
    ("沙比", "傻逼"),
    ("傻b", "傻逼"),
    ("傻x", "傻逼"),
    ("傻bi", "傻逼"),
    ("艹你", "操你"),
    ("草你妈", "操你妈"),
    ("cnm", "操你妈"),
    ("nmsl", "你妈死了"),
    ("tmd", "他妈的"),
    ("狗ri的", "狗日的"),
    ("死quan家", "死全家"),
    // legal words (fake_legal, impersonation)
    ("zuolao", "坐牢"),
    ("坐lao", "坐牢"),
    ("zuo牢", "坐牢"),
    ("chuanpiao", "传票"),
    ("传piao", "传票"),
    ("chuan票", "传票"),
    ("li案", "立案"),
    ("立an", "立案"),
    ("lvshi", "律师"),
    ("律shi", "律师"),
    ("lv师", "律师"),
    ("gong安", "公安"),
    ("公an", "公安"),
    ("jing察", "警察"),
    ("警cha", "警察"),
    // threats and third parties
    ("暴光", "曝光"),
    ("爆光", "曝光"),
    ("后果自付", "后果自负"),
    ("后果字负", "后果自负"),
    ("外fang", "外访"),
    ("jia访", "家访"),
    ("hu籍", "户籍"),
    ("户ji", "户籍"),
    ("fu母", "父母"),
    ("父mu", "父母"),
    ("ba妈", "爸妈"),
    ("dan位", "单位"),
    ("单wei", "单位"),
    ("tong事", "同事"),
    ("同shi", "同事"),
    // Cantonese written forms (我們會聯絡你嘅屋企人)
    ("屋企人", "家人"),
    ("屋企", "家"),
    ("嘅", "的"),
    ("我哋", "我们"),
    ("你哋", "你们"),
    ("佢哋", "他们"),
    ("佢", "他"),
    ("唔", "不"),
    ("冇", "没有"),
    ("咗", "了"),
    ("俾", "给"),
    ("畀", "给"),
    ("嚟", "来"),
    ("搵", "找"),
    ("睇", "看"),
    ("乜嘢", "什么"),
    ("老细", "老板"),
    ("老細", "老板"),
    ("联络", "联系"),
    // scam words
    ("yzm", "验证码"),
    ("验证ma", "验证码"),
    ("an全账户", "安全账户"),
    ("安全zhang户", "安全账户"),
];

/// Key words and their pinyin, one syllable per character. Every mix of characters and
/// syllables is an evasion of the word (通讯录: tong讯录, 通xun录, tongxunlu, tong讯lu …);
/// spaces between syllables are looked through (`tong xun lu`). A spelling in pinyin only
/// needs at least [`MIN_FULL_PINYIN`] letters, so that short syllable runs of ordinary
/// Latin text are not read as words.
const PINYIN_WORDS: &[(&str, &str)] = &[
    // people and places around the borrower
    ("通讯录", "tong xun lu"),
    ("联系人", "lian xi ren"),
    ("家人", "jia ren"),
    ("家属", "jia shu"),
    ("家里人", "jia li ren"),
    ("父母", "fu mu"),
    ("爸妈", "ba ma"),
    ("亲戚", "qin qi"),
    ("亲属", "qin shu"),
    ("亲友", "qin you"),
    ("亲人", "qin ren"),
    ("朋友", "peng you"),
    ("同事", "tong shi"),
    ("同学", "tong xue"),
    ("领导", "ling dao"),
    ("老板", "lao ban"),
    ("单位", "dan wei"),
    ("公司", "gong si"),
    ("学校", "xue xiao"),
    ("老师", "lao shi"),
    ("邻居", "lin ju"),
    ("村委会", "cun wei hui"),
    ("户籍", "hu ji"),
    ("老家", "lao jia"),
    ("老婆", "lao po"),
    ("老公", "lao gong"),
    ("孩子", "hai zi"),
    ("全家", "quan jia"),
    // contact and exposure
    ("短信", "duan xin"),
    ("电话", "dian hua"),
    ("通知", "tong zhi"),
    ("联系", "lian xi"),
    ("曝光", "bao guang"),
    ("上门", "shang men"),
    ("外访", "wai fang"),
    ("家访", "jia fang"),
    ("后果自负", "hou guo zi fu"),
    ("后果", "hou guo"),
    // legal words
    ("报警", "bao jing"),
    ("报案", "bao an"),
    ("经侦", "jing zhen"),
    ("刑侦", "xing zhen"),
    ("公安", "gong an"),
    ("警察", "jing cha"),
    ("派出所", "pai chu suo"),
    ("法院", "fa yuan"),
    ("起诉", "qi su"),
    ("立案", "li an"),
    ("传票", "chuan piao"),
    ("坐牢", "zuo lao"),
    ("律师", "lv shi"),
    ("拘留", "ju liu"),
    ("冻结", "dong jie"),
    ("强制执行", "qiang zhi zhi xing"),
    ("失信", "shi xin"),
    ("黑名单", "hei ming dan"),
    ("征信", "zheng xin"),
    // debt words
    ("逾期", "yu qi"),
    ("欠款", "qian kuan"),
    ("贷款", "dai kuan"),
    ("网贷", "wang dai"),
    ("借款", "jie kuan"),
    ("还款", "huan kuan"),
    ("还钱", "huan qian"),
    ("催收", "cui shou"),
    ("老赖", "lao lai"),
    // scam words
    ("验证码", "yan zheng ma"),
    ("安全账户", "an quan zhang hu"),
    ("转账", "zhuan zhang"),
    // insults
    ("傻逼", "sha bi"),
    ("婊子", "biao zi"),
    ("贱人", "jian ren"),
    ("人渣", "ren zha"),
    ("畜生", "chu sheng"),
    ("不要脸", "bu yao lian"),
    ("死全家", "si quan jia"),
];

/// The fewest letters of a spelling in pinyin only (`lian`, `fumu`, `qisu` are too short:
/// 连, 父母 or 起诉 cannot be told from other syllables and names).
const MIN_FULL_PINYIN: usize = 5;

/// Spellings in pinyin only that are ordinary words or places (`baoan`: 宝安).
const PINYIN_NOT_WORDS: &[&str] = &["baoan"];

/// Every mix of characters and syllables of each [`PINYIN_WORDS`] entry (not the word itself).
fn pinyin_evasions() -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for &(word, py) in PINYIN_WORDS {
        let chars: Vec<char> = word.chars().collect();
        let syls: Vec<&str> = py.split_whitespace().collect();
        assert_eq!(chars.len(), syls.len(), "pinyin of {word}");
        let n = chars.len();
        for mask in 1u32..(1 << n) {
            let mut s = String::new();
            for (k, (c, y)) in chars.iter().zip(&syls).enumerate() {
                if mask & (1 << k) != 0 {
                    s.push_str(y);
                } else {
                    s.push(*c);
                }
            }
            if mask == (1 << n) - 1
                && (s.len() < MIN_FULL_PINYIN || PINYIN_NOT_WORDS.contains(&s.as_str()))
            {
                continue;
            }
            out.push((s, word));
        }
    }
    out
}

fn evasion_automaton() -> &'static (AhoCorasick, Vec<&'static str>) {
    static AC: OnceLock<(AhoCorasick, Vec<&'static str>)> = OnceLock::new();
    AC.get_or_init(|| {
        // The fixed table first; a generated spelling it already holds is skipped.
        let mut keys: Vec<String> = Vec::new();
        let mut words: Vec<&'static str> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let fixed = EVASIONS.iter().map(|&(k, w)| (k.to_string(), w));
        for (k, w) in fixed.chain(pinyin_evasions()) {
            if seen.insert(k.clone()) {
                keys.push(k);
                words.push(w);
            }
        }
        // A full DFA: the scan runs on every message (mostly finding nothing), and a DFA
        // takes one table lookup per byte where the default NFA follows failure links.
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&keys)
            .expect("evasion table compiles");
        (ac, words)
    })
}

/// Normalises a rule term the same way as message text (so rule authors may write
/// Traditional or full-width terms too).
pub fn normalize_term(term: &str) -> String {
    Normalized::new(term).text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn orig_slice(orig: &str, span: [usize; 2]) -> String {
        orig.chars().skip(span[0]).take(span[1] - span[0]).collect()
    }

    fn find_span(orig: &str, needle: &str) -> Option<[usize; 2]> {
        let n = Normalized::new(orig);
        let b = n.text.find(needle)?;
        Some(n.original_span(b, b + needle.len()))
    }

    #[test]
    fn no_evasions_inside_links() {
        let n = Normalized::new("还款入口：https://boc.cn/m/r 请尽快");
        assert!(!n.text.contains("操你妈"), "{}", n.text);
        assert!(Normalized::new("你个cnm").text.contains("操你妈"));
        assert!(Normalized::new("cnm, 还钱").text.contains("操你妈"));
    }

    #[test]
    fn char_table_agrees_with_the_steps() {
        let t2s = t2s_table();
        for u in 0u32..0x1_0000 {
            let Some(ch) = char::from_u32(u) else { continue };
            let mut want = Vec::new();
            map_char(ch, t2s, |c| want.push(c));
            let got = char_map()[u as usize];
            match want[..] {
                [] => assert_eq!(got, MAP_DROP, "{ch:?}"),
                [c] => {
                    assert_eq!(got & !MAP_SEPARATOR, c as u32, "{ch:?}");
                    assert_eq!(got & MAP_SEPARATOR != 0, is_separator(c), "{ch:?}");
                }
                _ => assert_eq!(got, MAP_SLOW, "{ch:?}"),
            }
        }
    }

    #[test]
    fn t2s_pairs_are_well_formed() {
        for tok in T2S_PAIRS.split_whitespace() {
            assert_eq!(tok.chars().count(), 2, "bad token {tok}");
        }
        assert!(t2s_table().len() > 300, "{}", t2s_table().len());
    }

    #[test]
    fn full_width_and_case() {
        let n = Normalized::new("ＴＸＬ，ＡＢＣ１２３！");
        assert_eq!(n.text, "通讯录,abc123!");
    }

    #[test]
    fn traditional_to_simplified() {
        let n = Normalized::new("你們還錢，債務凍結執行訴訟詐騙戶口通訊錄");
        assert_eq!(n.text, "你们还钱,债务冻结执行诉讼诈骗户口通讯录");
    }

    #[test]
    fn separators_between_han_are_dropped_and_spans_map_back() {
        for orig in [
            "再不还就爆通-讯-录",
            "再不还就爆通 讯 录",
            "再不还就爆通*讯*录",
            "再不还就爆通😡讯🔥录",
            "再不还就爆通\u{200b}讯\u{200b}录",
            "再不还就爆通　讯　录",
        ] {
            let n = Normalized::new(orig);
            assert!(n.text.contains("爆通讯录"), "{orig} -> {}", n.text);
            let span = find_span(orig, "通讯录").unwrap();
            let s = orig_slice(orig, span);
            assert!(s.starts_with('通') && s.ends_with('录'), "{orig}: {s}");
        }
    }

    #[test]
    fn separators_elsewhere_are_kept() {
        assert_eq!(Normalized::new("abc def").text, "abc def");
        assert_eq!(Normalized::new("还款 123 元").text, "还款 123 元");
        assert_eq!(Normalized::new("你好，我是").text, "你好,我是");
    }

    #[test]
    fn evasions_are_replaced_with_whole_span() {
        let orig = "不还就曝tong讯录";
        let n = Normalized::new(orig);
        assert_eq!(n.text, "不还就爆通讯录");
        assert_eq!(orig_slice(orig, find_span(orig, "爆通讯录").unwrap()), "曝tong讯录");
        assert_eq!(orig_slice(orig, find_span(orig, "通讯录").unwrap()), "曝tong讯录");
        assert_eq!(Normalized::new("崔收通知，快还Ｑ").text, "催收通知,快还钱");
        assert_eq!(Normalized::new("明天上men").text, "明天上门");
    }

    #[test]
    fn pinyin_mixes_spaces_and_dialect() {
        for (orig, want) in [
            ("联系你的tong xun lu", "联系你的通讯录"),
            ("通知你的jiaren和pengyou", "通知你的家人和朋友"),
            ("打电话给你的 jia ren", "打电话给你的家人"),
            ("已移交jing侦处理", "已移交经侦处理"),
            ("给你全家发短xin", "给你全家发短信"),
            ("后果zifu", "后果自负"),
            ("把你暴光", "把你曝光"),
            ("我們會聯絡你嘅屋企人", "我们会联系你的家人"),
        ] {
            assert_eq!(Normalized::new(orig).text, want, "{orig}");
        }
        // Short pinyin-only runs and ordinary Latin text stay as they are.
        for orig in ["fumu", "baoan", "the app is ok", "qi su"] {
            assert_eq!(Normalized::new(orig).text, orig);
        }
        let orig = "联系你的tong xun lu";
        assert_eq!(orig_slice(orig, find_span(orig, "通讯录").unwrap()), "tong xun lu");
    }

    #[test]
    fn span_of_plain_text_is_identity() {
        let orig = "您好,您已逾期,请还款";
        let n = Normalized::new(orig);
        let b = n.text.find("逾期").unwrap();
        assert_eq!(n.original_span(b, b + "逾期".len()), [5, 7]);
        assert_eq!(n.original_len(), 11);
    }

    #[test]
    fn empty_input() {
        let n = Normalized::new("");
        assert_eq!(n.text, "");
        assert_eq!(n.original_span(0, 0), [0, 0]);
    }

    mod prop {
        use super::super::*;
        use proptest::prelude::*;

        fn piece() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("通".to_string()),
                Just("讯".to_string()),
                Just("录".to_string()),
                Just("還".to_string()),
                Just("錢".to_string()),
                Just("Ｑ".to_string()),
                Just("-".to_string()),
                Just(" ".to_string()),
                Just("\u{200b}".to_string()),
                Just("😡".to_string()),
                Just("，".to_string()),
                Just("txl".to_string()),
                Just("tong".to_string()),
                Just("曝".to_string()),
                Just("ｅ\u{301}".to_string()),
                Just("ﬁ".to_string()),
                "[a-zA-Z0-9]{0,3}",
                "\\PC{0,2}",
            ]
        }

        proptest! {
            #[test]
            fn every_normalised_char_maps_inside_the_original(parts in prop::collection::vec(piece(), 0..12)) {
                let orig: String = parts.concat();
                let n = Normalized::new(&orig);
                let len = orig.chars().count();
                prop_assert_eq!(n.original_len(), len);
                // Every character span lies inside the original and is monotone.
                let mut prev_start = 0;
                for (b, c) in n.text.char_indices() {
                    let [s, e] = n.original_span(b, b + c.len_utf8());
                    prop_assert!(s < e && e <= len, "span {s}..{e} of {len}");
                    prop_assert!(s >= prev_start);
                    prev_start = s;
                }
                // Any byte range maps to a span covering the spans of its characters.
                let bounds: Vec<usize> = n.text.char_indices().map(|(b, _)| b).chain([n.text.len()]).collect();
                for i in 0..bounds.len() {
                    for j in i + 1..bounds.len() {
                        let [s, e] = n.original_span(bounds[i], bounds[j]);
                        prop_assert!(s < e && e <= len);
                        let [fs, _] = n.original_span(bounds[i], bounds[i + 1]);
                        let [_, le] = n.original_span(bounds[j - 1], bounds[j]);
                        prop_assert!(s <= fs && le <= e);
                    }
                }
            }

            #[test]
            fn visible_original_chars_are_covered(parts in prop::collection::vec(piece(), 0..12)) {
                // Every original character that is neither invisible nor a dropped
                // separator is covered by some normalised character's span.
                let orig: String = parts.concat();
                let n = Normalized::new(&orig);
                let mut covered = vec![false; n.original_len()];
                for (b, c) in n.text.char_indices() {
                    let [s, e] = n.original_span(b, b + c.len_utf8());
                    for x in covered.iter_mut().take(e).skip(s) { *x = true; }
                }
                for (i, ch) in orig.chars().enumerate() {
                    if !is_invisible(ch) && !is_separator(ch) && !ch.is_whitespace() && std::iter::once(ch).nfkc().any(|c| !is_invisible(c) && !is_separator(c)) {
                        prop_assert!(covered[i], "char {i} {ch:?} of {orig:?} not covered");
                    }
                }
            }
        }
    }
}
